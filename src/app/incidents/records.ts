import { randomUUID } from "node:crypto";
import { z } from "zod";
import { EVIDENCE_KINDS } from "#domain/incident/evidence.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { defaultPublicStatus, type IncidentStatus, PUBLIC_STATUSES } from "#domain/incident/status.ts";
import { withTransaction } from "#store/db.ts";
import { insertEvidence, insertStatusUpdate } from "#store/records.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { enqueueStatusNotification } from "../status-page/notify.ts";
import { parseInput, text } from "../validation.ts";
import { applyChange, lockIncident } from "./internal.ts";
import { evidenceView, statusUpdateView } from "./views.ts";

// Notes, evidence and status updates: things added to an incident, each with its timeline event.

export const AddNoteInput = z.object({ text: text(10_000, "note") }).strict();
export type AddNoteInput = z.input<typeof AddNoteInput>;

/** Adds a note to the incident's timeline. */
export async function addNote(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(AddNoteInput, input);
  const now = ctx.clock.now();
  const { number, view } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const updated = await applyChange(
      tx,
      incident,
      [{ kind: "note.added", data: { text: req.text } }],
      ctx.actor.name,
      now,
    );
    const view = {
      incident_id: formatHumanId(incident.number),
      seq: updated.lastEventSeq,
      text: req.text,
      actor: ctx.actor.name,
      at: now.toISOString(),
    };
    return { number: incident.number, view };
  });
  publishIncidentChange(ctx.events, number, "note.added", now);
  return view;
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2048, { error: "must be at most 2048 characters" });

export const AddEvidenceInput = z
  .object({
    kind: z.enum(EVIDENCE_KINDS, { error: `must be one of ${EVIDENCE_KINDS.join(", ")}` }).default("link"),
    url: httpUrl,
    caption: z.string().max(500, { error: "must be at most 500 characters" }).default(""),
  })
  .strict();
export type AddEvidenceInput = z.input<typeof AddEvidenceInput>;

/** Links a metric, log, trace, dashboard or screenshot to the incident. */
export async function addEvidence(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(AddEvidenceInput, input);
  const now = ctx.clock.now();
  const { number, view } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const row = {
      id: randomUUID(),
      incidentId: incident.id,
      kind: req.kind,
      url: req.url,
      caption: req.caption,
      addedBy: ctx.actor.name,
      addedAt: now,
    };
    await insertEvidence(tx, row);
    await applyChange(
      tx,
      incident,
      [
        {
          kind: "evidence.added",
          data: { evidence_id: row.id, kind: req.kind, url: req.url, caption: req.caption },
        },
      ],
      ctx.actor.name,
      now,
    );
    return { number: incident.number, view: evidenceView(row) };
  });
  publishIncidentChange(ctx.events, number, "evidence.added", now);
  return view;
}

export const PostStatusUpdateInput = z
  .object({
    message: text(5_000, "message"),
    status: z
      .enum(PUBLIC_STATUSES as [string, ...string[]], {
        error: `must be one of ${PUBLIC_STATUSES.join(", ")}`,
      })
      .optional()
      .describe("public status; defaults from the incident's status"),
    visibility: z
      .enum(["internal", "external"], { error: "must be internal or external" })
      .default("internal"),
  })
  .strict();
export type PostStatusUpdateInput = z.input<typeof PostStatusUpdateInput>;

/**
 * Posts seed 002's StatusUpdate. Internal updates inform responders; external ones are for the public
 * status page. The status defaults to the public status matching the incident's lifecycle status.
 */
export async function postStatusUpdate(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(PostStatusUpdateInput, input);
  const now = ctx.clock.now();
  const { number, view } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const status = req.status ?? defaultPublicStatus(incident.status as IncidentStatus);
    const row = {
      id: randomUUID(),
      incidentId: incident.id,
      message: req.message,
      status,
      visibility: req.visibility,
      createdBy: ctx.actor.name,
      createdAt: now,
    };
    await insertStatusUpdate(tx, row);
    // The status page's subscribers hear of external updates (app/status-page/notify.ts outbox).
    // A private incident's external updates stay off the status page, so subscribers hear nothing either.
    if (req.visibility === "external" && !incident.private)
      await enqueueStatusNotification(
        tx,
        { kind: "incident_update", incidentId: incident.id, updateId: row.id },
        now,
      );
    await applyChange(
      tx,
      incident,
      [
        {
          kind: "status_update.posted",
          data: { update_id: row.id, status, visibility: req.visibility, message: req.message },
        },
      ],
      ctx.actor.name,
      now,
    );
    return { number: incident.number, view: statusUpdateView(row, formatHumanId(incident.number)) };
  });
  publishIncidentChange(ctx.events, number, "status_update.posted", now);
  return view;
}
