import { useState } from "react";
import { ApiError } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import {
  getRunbook,
  getRunbookTemplate,
  getRunbookVersion,
  listRunbookVersions,
  type Runbook,
  restoreRunbookVersion,
  saveRunbook,
} from "../../api/runbooks.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { Banner, ErrorNote, LoadError } from "../../ui/banner.tsx";
import { Markdown } from "../../ui/markdown.tsx";
import { formatExact, RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";

// A service's runbook: the rendered text (Copy buttons on every command), an editor with a live
// preview, and the version history with each old text and a restore.

type Mode = { kind: "view" } | { kind: "edit"; text: string; base: number } | { kind: "history" };

export function RunbookPage({ service }: { service: string }) {
  useDocumentTitle(`Runbook · ${service}`);
  const resource = useResource(`runbook:${service}`, (signal) => getRunbook(service, signal));
  const [mode, setMode] = useState<Mode>({ kind: "view" });
  const runbook = resource.data;
  const missing = resource.error instanceof ApiError && resource.error.status === 404 && !runbook;

  const startNew = useAction(async () => {
    const t = await getRunbookTemplate(service);
    setMode({ kind: "edit", text: t.body, base: 0 });
  });

  const encoded = encodeURIComponent(service);
  return (
    <main className="page page-runbook" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/runbooks">Runbooks</Link>
        <span aria-hidden="true"> / </span>
        <Link href={`/services/${encoded}`}>{service}</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">Runbook</span>
      </nav>
      {mode.kind === "edit" ? (
        <RunbookEditor
          service={service}
          initial={mode.text}
          base={mode.base}
          onDone={(saved) => {
            if (saved) resource.set(saved);
            setMode({ kind: "view" });
          }}
          onReload={resource.reload}
        />
      ) : runbook ? (
        <>
          <header className="detail-head runbook-head">
            <div className="detail-meta">
              <span className="meta-item">version {runbook.version}</span>
              <span className="meta-item muted">
                saved by {runbook.updated_by} <RelativeTime iso={runbook.updated_at} />
              </span>
              <span className="meta-item muted" title="Where this version came from">
                {runbook.source}
              </span>
            </div>
            {/* The text's own "# Runbook: X" is the visible title. */}
            <h1 className="sr-only">Runbook of {service}</h1>
            <div className="runbook-tools" role="toolbar" aria-label="Runbook actions">
              <button
                type="button"
                className="btn btn-primary btn-sm"
                onClick={() => setMode({ kind: "edit", text: runbook.body, base: runbook.version })}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                aria-pressed={mode.kind === "history"}
                onClick={() => setMode(mode.kind === "history" ? { kind: "view" } : { kind: "history" })}
              >
                {mode.kind === "history" ? "Hide history" : "History"}
              </button>
            </div>
          </header>
          <FormatWarnings warnings={runbook.warnings} />
          {mode.kind === "history" ? (
            <RunbookHistory
              service={service}
              current={runbook}
              onRestored={(saved) => {
                resource.set(saved);
                setMode({ kind: "view" });
              }}
            />
          ) : null}
          <article className="card runbook-body" aria-label={`Runbook of ${service}`}>
            <Markdown text={runbook.body} />
          </article>
        </>
      ) : missing ? (
        <div className="empty">
          <h1 className="empty-title">No runbook for {service} yet</h1>
          <p className="muted">
            Start from seed 001's format (overview, common issues with symptoms, diagnosis and resolution,
            escalation), or import a folder with <code>foghorn runbook import docs/runbooks/</code>.
          </p>
          <button type="button" className="btn btn-primary" onClick={() => void startNew.run()}>
            Write the runbook
          </button>
          {startNew.error ? <ErrorNote>{startNew.error}</ErrorNote> : null}
        </div>
      ) : resource.error ? (
        <LoadError what={`the runbook of ${service}`} error={resource.error} onRetry={resource.reload} />
      ) : (
        <div className="detail-skeleton" aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="sr-only">Loading the runbook…</span>
        </div>
      )}
    </main>
  );
}

function FormatWarnings({ warnings }: { warnings: readonly string[] }) {
  if (!warnings.length) return null;
  return (
    <Banner tone="warn">
      <div>
        <span>Not quite seed 001's runbook format (it is saved anyway):</span>
        <ul className="runbook-warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </div>
    </Banner>
  );
}

function RunbookEditor({
  service,
  initial,
  base,
  onDone,
  onReload,
}: {
  service: string;
  initial: string;
  base: number;
  onDone: (saved: Runbook | null) => void;
  onReload: () => void;
}) {
  const [text, setText] = useState(initial);
  const [conflict, setConflict] = useState(false);
  const save = useAction(async () => {
    try {
      const saved = await saveRunbook(service, text, base);
      toast(saved.outcome === "unchanged" ? "No changes to save" : `Saved as version ${saved.version}`);
      onDone(saved);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setConflict(true);
      throw error;
    }
  }, ["body"]);
  return (
    <form
      className="runbook-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <div className="page-head">
        <h1>
          {base ? "Edit" : "Write"} the runbook of {service}
        </h1>
        <div className="push-right runbook-tools">
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary btn-sm" disabled={save.busy}>
            {save.busy ? "Saving…" : "Save"}
          </button>
        </div>
      </div>
      {save.error || save.fields.body ? (
        <ErrorNote>
          {save.fields.body ? `Text: ${save.fields.body}` : save.error}
          {conflict ? (
            <>
              {" "}
              <button
                type="button"
                className="btn btn-secondary btn-xs"
                onClick={() => {
                  onReload();
                  onDone(null);
                }}
              >
                Discard my edit and reload
              </button>
            </>
          ) : null}
        </ErrorNote>
      ) : null}
      <div className="runbook-split">
        <div className="runbook-source">
          <label htmlFor="runbook-text" className="field-label">
            Markdown
          </label>
          <textarea
            id="runbook-text"
            className="runbook-textarea"
            value={text}
            spellCheck
            aria-invalid={save.fields.body ? true : undefined}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if ((e.ctrlKey || e.metaKey) && e.key === "Enter") void save.run();
            }}
          />
          <p className="muted small">
            Ctrl+Enter saves. Every save is a new version; older texts stay in the history.
          </p>
        </div>
        <section className="runbook-preview card" aria-label="Preview">
          <h2 className="runbook-preview-label">Preview</h2>
          <Markdown text={text} />
        </section>
      </div>
    </form>
  );
}

function RunbookHistory({
  service,
  current,
  onRestored,
}: {
  service: string;
  current: Runbook;
  onRestored: (saved: Runbook) => void;
}) {
  const versions = useResource(`runbook-versions:${service}:${current.version}`, (signal) =>
    listRunbookVersions(service, signal),
  );
  const [viewing, setViewing] = useState<number | null>(null);
  const old = useResource(viewing === null ? null : `runbook-version:${service}:${viewing}`, (signal) =>
    getRunbookVersion(service, viewing ?? 1, signal),
  );
  const restore = useAction(async (version: number) => {
    const saved = await restoreRunbookVersion(service, version, current.version);
    toast(`Restored version ${version} as version ${saved.version}`);
    onRestored(saved);
  });
  const shown = old.data && old.data.version === viewing ? old.data : undefined;
  return (
    <section className="card section runbook-history" aria-labelledby="runbook-history-h">
      <div className="section-head">
        <h2 id="runbook-history-h">History</h2>
      </div>
      {versions.error ? (
        <LoadError what="the history" error={versions.error} onRetry={versions.reload} />
      ) : (
        <table className="data-table runbook-versions">
          <caption className="sr-only">Saved versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">Title</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(versions.data?.items ?? []).map((v) => (
              <tr key={v.version} className={viewing === v.version ? "is-selected" : undefined}>
                <td>
                  v{v.version}
                  {v.version === current.version ? <span className="muted"> (current)</span> : null}
                </td>
                <td title={formatExact(v.saved_at)}>
                  <RelativeTime iso={v.saved_at} />
                </td>
                <td>{v.saved_by}</td>
                <td>{v.title}</td>
                <td className="runbook-version-actions">
                  <button
                    type="button"
                    className="btn btn-ghost btn-xs"
                    aria-pressed={viewing === v.version}
                    aria-label={`View version ${v.version}`}
                    onClick={() => setViewing(viewing === v.version ? null : v.version)}
                  >
                    {viewing === v.version ? "Hide" : "View"}
                  </button>
                  {v.version !== current.version ? (
                    <button
                      type="button"
                      className="btn btn-secondary btn-xs"
                      aria-label={`Restore version ${v.version}`}
                      disabled={restore.busy}
                      onClick={() => void restore.run(v.version)}
                    >
                      Restore
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restore.error ? <ErrorNote>{restore.error}</ErrorNote> : null}
      {viewing !== null ? (
        <div className="runbook-old" aria-live="polite">
          {shown ? (
            <>
              <h3>
                Version {shown.version}, saved by {shown.saved_by} {formatExact(shown.saved_at)}
              </h3>
              <Markdown text={shown.body} className="runbook-old-text" />
            </>
          ) : old.error ? (
            <LoadError what={`version ${viewing}`} error={old.error} onRetry={old.reload} />
          ) : (
            <p className="muted">Loading version {viewing}…</p>
          )}
        </div>
      ) : null}
    </section>
  );
}
