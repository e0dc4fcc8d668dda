import { useEffect, useState } from "react";
import { ApiError } from "../../api/client.ts";
import { getIncident, getTimeline } from "../../api/endpoints.ts";
import {
  changePostmortemStatus,
  draftPostmortemWithAi,
  getPostmortem,
  type Postmortem,
  type PostmortemStatus,
  postmortemExportUrl,
  savePostmortem,
  startPostmortem,
} from "../../api/postmortems.ts";
import { useResource } from "../../api/resource.ts";
import type { IncidentDetail } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { SeverityBadge } from "../../ui/badge.tsx";
import { Banner, ErrorNote } from "../../ui/banner.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { Markdown } from "../../ui/markdown.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { ActionItemsSection } from "../incidents/detail/ActionItems.tsx";
import {
  type EditorState,
  editorState,
  isDirty,
  previewMarkdown,
  reviewerList,
  sectionsOf,
} from "./editor-state.ts";
import { PostmortemStatusBadge, postmortemDue } from "./PostmortemSummary.tsx";
import { SectionsForm } from "./SectionsForm.tsx";

// The postmortem of one incident: every section in a form on the left, the whole rendered postmortem
// (exactly what the export will contain) on the right, updated as you type.

export function PostmortemPage({ id }: { id: string }) {
  const incident = useResource(id, (signal) => getIncident(id, signal));
  const timeline = useResource(id, (signal) => getTimeline(id, signal));
  const pm = useResource(id, async (signal) => {
    try {
      return await getPostmortem(id, signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && error.code === "NOT_FOUND") return null;
      throw error;
    }
  });
  const detail = incident.data;
  useDocumentTitle(detail ? `Postmortem ${detail.id} ${detail.title}` : `Postmortem ${id.toUpperCase()}`);
  const refresh = () => {
    incident.reload();
    timeline.reload();
    pm.reload();
  };
  useLiveEvents((event) => {
    if (event.type === "reload" || event.id.toLowerCase() === (detail?.id ?? id).toLowerCase()) refresh();
  });

  if (!detail) {
    return (
      <DetailFallback
        name={id}
        back={{ href: "/incidents", label: "Incidents" }}
        error={incident.error}
        onRetry={incident.reload}
        notFound={{ title: `No incident ${id.toUpperCase()}`, href: "/incidents", link: "All incidents" }}
      />
    );
  }
  return (
    <main className="page page-postmortem" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/incidents">Incidents</Link>
        <span aria-hidden="true"> / </span>
        <Link href={`/incidents/${detail.id}`} className="mono">
          {detail.id}
        </Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">Postmortem</span>
      </nav>
      <header className="detail-head">
        <div className="detail-meta">
          <span className="mono detail-id">{detail.id}</span>
          <SeverityBadge severity={detail.severity} long />
          {pm.data ? <PostmortemStatusBadge status={pm.data.status} /> : null}
          {pm.data ? <span className="meta-item">{postmortemDue(pm.data)}</span> : null}
        </div>
        <h1 className="detail-title">Postmortem: {detail.title}</h1>
      </header>
      {pm.data === null ? (
        <StartPostmortem incident={detail} onStarted={(p) => pm.set(p)} />
      ) : pm.data ? (
        <Editor
          key={pm.data.incident_id}
          pm={pm.data}
          incident={detail}
          timeline={timeline.data?.events ?? []}
          onSaved={(p) => {
            pm.set(p);
            incident.reload();
            timeline.reload();
          }}
          refresh={refresh}
        />
      ) : pm.error ? (
        <ErrorNote>
          Could not load the postmortem. {pm.error instanceof Error ? pm.error.message : ""}
        </ErrorNote>
      ) : (
        <p className="muted">Loading the postmortem…</p>
      )}
    </main>
  );
}

function StartPostmortem({
  incident,
  onStarted,
}: {
  incident: IncidentDetail;
  onStarted: (pm: Postmortem) => void;
}) {
  const start = useAction(async () => {
    onStarted(await startPostmortem(incident.id));
    toast(`Postmortem of ${incident.id} started`);
  });
  return (
    <section className="card section pm-start" aria-labelledby="pm-start-h">
      <h2 id="pm-start-h">No postmortem yet</h2>
      <p className="muted">
        Starting one creates a draft with the incident's description, impact, root cause and resolution filled
        in. You will be its author.
      </p>
      <button
        type="button"
        className="btn btn-primary"
        disabled={start.busy}
        onClick={() => void start.run()}
      >
        {start.busy ? "Starting…" : "Start the postmortem"}
      </button>
      {start.error ? <ErrorNote>{start.error}</ErrorNote> : null}
    </section>
  );
}

const STATUS_BUTTONS: Record<PostmortemStatus, string> = {
  in_review: "Submit for review",
  published: "Publish",
  draft: "Back to draft",
};

function Editor({
  pm,
  incident,
  timeline,
  onSaved,
  refresh,
}: {
  pm: Postmortem;
  incident: IncidentDetail;
  timeline: Parameters<typeof previewMarkdown>[3];
  onSaved: (pm: Postmortem) => void;
  refresh: () => void;
}) {
  const [state, setState] = useState<EditorState>(() => editorState(pm));
  const [base, setBase] = useState(pm);
  const [confirmPublish, setConfirmPublish] = useState(false);
  const dirty = isDirty(state, base);
  // A newer version from elsewhere (another editor, an AI draft) replaces the form only when nothing is unsaved.
  useEffect(() => {
    if (pm.version === base.version) {
      setBase(pm);
      return;
    }
    if (!isDirty(state, base)) {
      setState(editorState(pm));
      setBase(pm);
    }
  }, [pm, base, state]);
  const published = base.status === "published";

  const adopt = (next: Postmortem) => {
    setBase(next);
    setState(editorState(next));
    onSaved(next);
  };
  const saveNow = async (): Promise<Postmortem> => {
    if (!isDirty(state, base)) return base;
    const saved = await savePostmortem(incident.id, {
      version: base.version,
      sections: sectionsOf(state),
      reviewers: reviewerList(state.reviewers),
    });
    adopt(saved);
    return saved;
  };
  const save = useAction(async () => {
    await saveNow();
    toast("Postmortem saved");
  }, ["sections", "reviewers"]);
  const move = useAction(async (status: PostmortemStatus) => {
    await saveNow();
    adopt(await changePostmortemStatus(incident.id, status));
    setConfirmPublish(false);
    toast(
      status === "published"
        ? `Published; ${incident.id} is now in postmortem`
        : `Postmortem is ${status.replace("_", " ")}`,
    );
  });
  const ai = useAction(async () => {
    await saveNow();
    adopt(await draftPostmortemWithAi(incident.id));
    toast("Drafted with AI: review the marked sections");
  });
  const conflict = save.error && /changed since you opened it/.test(save.error);
  const errors = Object.fromEntries(
    Object.entries(save.fields).map(([k, v]) => [k === "sections" ? "summary" : k, v]),
  );
  const markdown = previewMarkdown(state, base, incident, timeline);

  return (
    <div className="pm-layout">
      <div className="pm-editor">
        <div className="pm-toolbar" role="toolbar" aria-label="Postmortem actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={!dirty || save.busy || published}
            onClick={() => void save.run()}
          >
            {save.busy ? "Saving…" : dirty ? "Save" : "Saved"}
          </button>
          {base.allowed_next_statuses.map((s) => (
            <button
              key={s}
              type="button"
              className={`btn ${s === "published" ? "btn-success" : "btn-secondary"}`}
              disabled={move.busy}
              onClick={() => (s === "published" ? setConfirmPublish(true) : void move.run(s))}
            >
              {STATUS_BUTTONS[s]}
            </button>
          ))}
          {base.ai_available && !published ? (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={ai.busy}
              onClick={() => void ai.run()}
            >
              {ai.busy ? "Drafting…" : "Draft with AI"}
            </button>
          ) : null}
          <a className="btn btn-ghost" href={postmortemExportUrl(incident.id)} download={base.file_name}>
            Export .md
          </a>
        </div>
        {save.error ? (
          <ErrorNote>
            {save.error}
            {conflict ? (
              <>
                {" "}
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => {
                    setState(editorState(pm));
                    setBase(pm);
                    save.clear();
                    refresh();
                  }}
                >
                  Discard my edits and reload
                </button>
              </>
            ) : null}
          </ErrorNote>
        ) : null}
        {move.error ? <ErrorNote>{move.error}</ErrorNote> : null}
        {ai.error ? <ErrorNote>{ai.error}</ErrorNote> : null}
        {published ? (
          <Banner tone="info">Published: read-only. Move it back to draft to correct it.</Banner>
        ) : null}
        <fieldset className="pm-fields" disabled={published}>
          <legend className="sr-only">Sections</legend>
          <SectionsForm
            state={state}
            onChange={setState}
            errors={errors}
            aiSections={base.ai_draft?.sections ?? []}
            aiModel={base.ai_draft?.model ?? ""}
          />
        </fieldset>
        <ActionItemsSection incident={incident} refresh={refresh} apply={() => refresh()} />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the preview scrolls on its own; keyboard users must reach it */}
      <section className="card pm-preview" aria-labelledby="pm-preview-h" tabIndex={0}>
        <h2 id="pm-preview-h" className="sr-only">
          Preview
        </h2>
        <p className="muted pm-preview-note">Preview: exactly what the export ({base.file_name}) contains.</p>
        <Markdown text={markdown} className="pm-rendered" />
      </section>
      <Dialog open={confirmPublish} onClose={() => setConfirmPublish(false)} title="Publish the postmortem?">
        <p>
          Publishing moves {incident.id} to <strong>postmortem</strong>, its final status, and closes it. The
          incident must be resolved. {dirty ? "Your unsaved edits are saved first." : ""}
        </p>
        {move.error ? <ErrorNote>{move.error}</ErrorNote> : null}
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={() => setConfirmPublish(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-success"
            disabled={move.busy}
            onClick={() => void move.run("published")}
          >
            {move.busy ? "Publishing…" : "Publish and close the incident"}
          </button>
        </div>
      </Dialog>
    </div>
  );
}
