import { renderPostmortem } from "../../../../src/domain/postmortem/render.ts";
import type { Postmortem, PostmortemSections } from "../../api/postmortems.ts";
import type { IncidentDetail, TimelineEvent } from "../../api/types.ts";

// What the postmortem editor holds between saves, and the live preview rendered from it with the very
// function the server exports with (src/domain/postmortem/render.ts), so the preview is the export.

export const WHY_SLOTS = 5;

export interface EditorState {
  sections: PostmortemSections;
  /** Exactly five rows for the five inputs; empty rows are dropped when saving. */
  whys: { why: string; because: string }[];
  reviewers: string;
}

export function editorState(pm: Postmortem): EditorState {
  const whys = pm.sections.five_whys.map((w) => ({ ...w }));
  while (whys.length < WHY_SLOTS) whys.push({ why: "", because: "" });
  return {
    sections: structuredClone(pm.sections),
    whys,
    reviewers: pm.reviewers.join(", "),
  };
}

export function reviewerList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
}

/** The sections as they would be saved. */
export function sectionsOf(state: EditorState): PostmortemSections {
  return {
    ...state.sections,
    five_whys: state.whys
      .map((w) => ({ why: w.why.trim(), because: w.because.trim() }))
      .filter((w) => w.why || w.because),
  };
}

export function isDirty(state: EditorState, pm: Postmortem): boolean {
  return (
    JSON.stringify(sectionsOf(state)) !== JSON.stringify(normalise(pm.sections)) ||
    reviewerList(state.reviewers).join(",") !== pm.reviewers.join(",")
  );
}

/** Trims like the server does, so an untouched form is not "dirty". */
function normalise(s: PostmortemSections): PostmortemSections {
  return { ...s, five_whys: s.five_whys.map((w) => ({ why: w.why.trim(), because: w.because.trim() })) };
}

/** The whole postmortem as markdown, from the editor's current text and the incident's live data. */
export function previewMarkdown(
  state: EditorState,
  pm: Postmortem,
  incident: IncidentDetail,
  timeline: readonly TimelineEvent[],
): string {
  const saved = normalise(pm.sections);
  const current = sectionsOf(state);
  // An AI mark stays on a section only while its text is what the AI wrote.
  const aiSections = (pm.ai_draft?.sections ?? []).filter(
    (s) => JSON.stringify(current[s]) === JSON.stringify(saved[s]),
  );
  return renderPostmortem({
    incident: {
      humanId: incident.id,
      title: incident.title,
      severity: incident.severity,
      createdAt: new Date(incident.created_at),
      resolvedAt: incident.resolved_at ? new Date(incident.resolved_at) : null,
    },
    author: pm.author,
    reviewers: reviewerList(state.reviewers),
    status: pm.status,
    publishedAt: pm.published_at ? new Date(pm.published_at) : null,
    sections: current,
    aiDraft: pm.ai_draft && aiSections.length ? { sections: aiSections, model: pm.ai_draft.model } : null,
    timeline: timeline.map((e) => ({ kind: e.kind, at: new Date(e.at), actor: e.actor, data: e.data })),
    actionItems: pm.action_items.map((a) => ({
      title: a.title,
      owner: a.owner,
      dueAt: a.due_at ? new Date(a.due_at) : null,
      status: a.status,
    })),
  });
}
