import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import {
  type AiSection,
  DATA_INTEGRITY_LEVELS,
  mergeSections,
  parseWhyLine,
  readSections,
  SectionsInput,
} from "#domain/postmortem/sections.ts";
import type { Db } from "#store/db.ts";
import { withTransaction } from "#store/db.ts";
import type { IncidentRow } from "#store/incidents.ts";
import { lockPostmortem, type PostmortemRow, updatePostmortem } from "#store/postmortems.ts";
import type { PostmortemAiDraft } from "../ai/draft-postmortem.ts";
import type { Actor, AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { lockIncident } from "../incidents/internal.ts";
import { handle } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import { noPostmortem, postmortemStatusOf, postmortemView, readAiDraft } from "./internal.ts";

export const SavePostmortemInput = z
  .object({
    version: z
      .number({ error: "is required: the version you edited (from GET …/postmortem), so no edit is lost" })
      .int()
      .min(1),
    sections: SectionsInput.optional(),
    reviewers: z.array(handle).max(20, { error: "at most 20 reviewers" }).optional(),
  })
  .strict();
export type SavePostmortemInput = z.input<typeof SavePostmortemInput>;

/** Locks the incident and its postmortem; NOT_FOUND (saying how to start one) when there is none. */
export async function lockForEdit(
  tx: Db,
  ref: string,
  actor: Actor,
): Promise<{ incident: IncidentRow; row: PostmortemRow }> {
  const incident = await lockIncident(tx, ref, actor);
  const row = await lockPostmortem(tx, incident.id);
  if (!row) throw noPostmortem(incident);
  return { incident, row };
}

function refuseIfPublished(incident: IncidentRow, row: PostmortemRow): void {
  if (postmortemStatusOf(row) !== "published") return;
  const id = formatHumanId(incident.number);
  throw new AppError(
    "CONFLICT",
    `The postmortem of ${id} is published and read-only; move it back to draft first (foghorn postmortem reopen ${id})`,
    [{ field: "status", message: "published postmortems are read-only; reopen to draft first" }],
  );
}

/**
 * Saves edited sections and reviewers. The caller names the version it edited; a stale version is CONFLICT
 * (409) with the current one, so two editors never overwrite each other. Editing an AI-drafted section
 * removes its "drafted by AI" mark.
 */
export async function savePostmortem(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(SavePostmortemInput, input);
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const { incident, row } = await lockForEdit(tx, ref, ctx.actor);
    refuseIfPublished(incident, row);
    if (row.version !== req.version) {
      throw new AppError(
        "CONFLICT",
        `The postmortem of ${formatHumanId(incident.number)} changed since you opened it (you edited version ${req.version}, it is now ${row.version}); reload it and apply your edits again`,
        [{ field: "version", message: `is stale: the current version is ${row.version}` }],
        { current_version: row.version },
      );
    }
    const { sections, changed } = mergeSections(readSections(row.sections), req.sections ?? {});
    const ai = readAiDraft(row.aiDraft);
    const stillAi = ai ? ai.sections.filter((s) => !(changed as string[]).includes(s)) : [];
    const updated = await updatePostmortem(tx, incident.id, {
      sections: { ...sections },
      ...(req.reviewers ? { reviewers: [...new Set(req.reviewers)] } : {}),
      aiDraft: ai && stillAi.length ? { ...ai, sections: stillAi } : null,
      version: row.version + 1,
      updatedAt: now,
    });
    return postmortemView(ctx, tx, incident, updated);
  });
}

/** "suspected — two rows" → level suspected, text "two rows"; a text not starting with a level keeps it all. */
function dataIntegrity(text: string) {
  const t = text.trim();
  const level = DATA_INTEGRITY_LEVELS.find((l) => t.toLowerCase().startsWith(l)) ?? null;
  return { level, text: level ? t.slice(level.length).replace(/^[\s:.,;—–-]+/, "") : t };
}

/**
 * Fills the summary, impact and five whys with an AI draft and marks them "drafted by AI (model)" until
 * someone edits them. The other sections are untouched. Refused on a published postmortem.
 */
export async function applyAiDraft(ctx: AppContext, ref: string, draft: PostmortemAiDraft) {
  const now = ctx.clock.now();
  const filled: AiSection[] = ["summary", "impact", "five_whys"];
  return withTransaction(ctx.db, async (tx) => {
    const { incident, row } = await lockForEdit(tx, ref, ctx.actor);
    refuseIfPublished(incident, row);
    const sections = readSections(row.sections);
    sections.summary = draft.summary.trim().slice(0, 5000);
    sections.impact = {
      customers: draft.impact.customers.trim().slice(0, 2000),
      symptom: draft.impact.symptom.trim().slice(0, 2000),
      data_integrity: dataIntegrity(draft.impact.data_integrity.slice(0, 2000)),
      revenue: draft.impact.revenue.trim().slice(0, 2000),
    };
    sections.five_whys = draft.five_whys
      .map((line) => parseWhyLine(line.slice(0, 2000)))
      .filter((w) => w.why || w.because)
      .slice(0, 5);
    const updated = await updatePostmortem(tx, incident.id, {
      sections: { ...sections },
      aiDraft: {
        sections: filled,
        model: draft.model,
        drafted_at: draft.drafted_at,
        redactions: draft.redactions,
      },
      version: row.version + 1,
      updatedAt: now,
    });
    ctx.log.info({ incident: incident.number, model: draft.model }, "postmortem drafted by AI");
    return postmortemView(ctx, tx, incident, updated);
  });
}
