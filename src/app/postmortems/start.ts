import { formatHumanId } from "#domain/incident/human-id.ts";
import { emptySections, type PostmortemSections } from "#domain/postmortem/sections.ts";
import { withTransaction } from "#store/db.ts";
import { findPostmortem, insertPostmortem } from "#store/postmortems.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { applyChange, loadIncident, lockIncident } from "../incidents/internal.ts";
import { postmortemView } from "./internal.ts";

/**
 * Starts an incident's postmortem as a draft written by the actor, prefilled from what the incident already
 * records: summary from its description, impact, root cause and resolution from its write-up. CONFLICT when
 * it already has one.
 */
export async function startPostmortem(ctx: AppContext, ref: string, opts: { aiAvailable?: boolean } = {}) {
  const now = ctx.clock.now();
  const number = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const sections: PostmortemSections = {
      ...emptySections(),
      summary: incident.description.trim(),
      root_cause: incident.rootCause.trim(),
      resolution: incident.resolution.trim(),
    };
    sections.impact.customers = incident.impact.trim();
    const inserted = await insertPostmortem(tx, {
      incidentId: incident.id,
      status: "draft",
      author: ctx.actor.name,
      reviewers: [],
      sections: { ...sections },
      aiDraft: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (!inserted) {
      const id = formatHumanId(incident.number);
      throw new AppError(
        "CONFLICT",
        `${id} already has a postmortem; open it with GET /api/v1/incidents/${id}/postmortem (CLI: foghorn postmortem show ${id})`,
      );
    }
    await applyChange(
      tx,
      incident,
      [{ kind: "postmortem.created", data: { author: ctx.actor.name } }],
      ctx.actor.name,
      now,
    );
    return incident.number;
  });
  ctx.log.info({ incident: number }, "postmortem started");
  publishIncidentChange(ctx.events, number, "postmortem.created", now);
  const incident = await loadIncident(ctx.db, formatHumanId(number), ctx.actor);
  const row = await findPostmortem(ctx.db, incident.id);
  if (!row) throw new Error("the postmortem just started is gone");
  return postmortemView(ctx, ctx.db, incident, row, opts);
}
