import { formatHumanId } from "#domain/incident/human-id.ts";
import { ManualClock } from "#domain/time.ts";
import { findIncidentNumbersByTag } from "#store/incidents.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { createActionItem, updateActionItem } from "../incidents/action-items.ts";
import { assignRole } from "../incidents/assign-role.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { declareIncident } from "../incidents/declare.ts";
import { addEvidence, addNote, postStatusUpdate } from "../incidents/records.ts";
import { updateIncident } from "../incidents/update.ts";
import { DEMO_INCIDENTS, type DemoStep } from "./incidents.ts";

export const DEMO_TAG = "demo";

/**
 * Loads the seeds' incidents (the 2026-05-24 bulk-export API timeout, the 2026-04-18 pipeline-blocks SEV2,
 * the connection pool exhaustion) through the same verbs a user calls, at their historical times, so the
 * timelines read as they happened. Loading twice adds nothing.
 */
export async function loadDemoData(ctx: AppContext) {
  if (ctx.actor.kind === "user" && ctx.actor.role !== "admin") {
    throw new AppError("FORBIDDEN", "Only an admin may load demo data");
  }
  const existing = await findIncidentNumbersByTag(ctx.db, DEMO_TAG);
  if (existing.length > 0) {
    return { loaded: false, incidents: existing.map(formatHumanId), message: "demo data is already loaded" };
  }
  const ids: string[] = [];
  for (const demo of DEMO_INCIDENTS) {
    const clock = new ManualClock(demo.at);
    const as = (actor: string): AppContext => ({ ...ctx, clock, actor: { kind: "user", name: actor } });
    const incident = await declareIncident(as(demo.declaredBy), {
      ...demo.declare,
      tags: [...(demo.declare.tags ?? []), DEMO_TAG],
    });
    for (const step of demo.steps) {
      clock.set(step.at);
      await runStep(as(step.actor), incident.id, step);
    }
    ids.push(incident.id);
  }
  ctx.log.info({ incidents: ids }, "demo data loaded");
  return { loaded: true, incidents: ids, message: `loaded ${ids.length} demo incidents` };
}

async function runStep(ctx: AppContext, ref: string, step: DemoStep): Promise<void> {
  switch (step.do) {
    case "status":
      await changeIncidentStatus(ctx, ref, {
        status: step.status,
        ...(step.note ? { note: step.note } : {}),
      });
      return;
    case "note":
      await addNote(ctx, ref, { text: step.text });
      return;
    case "evidence":
      await addEvidence(ctx, ref, step.evidence);
      return;
    case "update":
      await postStatusUpdate(ctx, ref, step.update);
      return;
    case "role":
      await assignRole(ctx, ref, { role: step.role, person: step.person });
      return;
    case "edit":
      await updateIncident(ctx, ref, step.fields);
      return;
    case "action": {
      const item = await createActionItem(ctx, ref, step.item);
      if (step.done) await updateActionItem(ctx, ref, item.id, { status: "done" });
      return;
    }
  }
}
