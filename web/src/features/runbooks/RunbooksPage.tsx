import { type ChangeEvent, useRef, useState } from "react";
import { useResource } from "../../api/resource.ts";
import { type ImportReport, importRunbooks, listRunbooks, type RunbookSummary } from "../../api/runbooks.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";

// Every service's runbook, and an import of <service>-runbook.md files picked from disk (the same as
// `foghorn runbook import docs/runbooks/`).

const COLUMNS = [
  { label: "Service", className: "col-name" },
  { label: "Title", className: "col-title" },
  { label: "Version", className: "col-version" },
  { label: "Last saved", className: "col-updated" },
];

export function RunbooksPage() {
  useDocumentTitle("Runbooks");
  const list = useResource("runbooks", (signal) => listRunbooks(signal));
  const [report, setReport] = useState<ImportReport | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useAction(async (files: File[]) => {
    const read = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
    const result = await importRunbooks(read);
    setReport(result);
    const s = result.summary;
    toast(
      `Imported: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.skipped} skipped`,
    );
    list.reload();
  });
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = "";
    if (files.length) void upload.run(files);
  };
  const items = list.data?.items;
  return (
    <main className="page" id="main">
      <div className="page-head">
        <h1>Runbooks</h1>
        <input
          ref={input}
          id="runbook-files"
          type="file"
          accept=".md,text/markdown"
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          onChange={pick}
        />
        <button
          type="button"
          className="btn btn-primary push-right"
          disabled={upload.busy}
          onClick={() => input.current?.click()}
        >
          {upload.busy ? "Importing…" : "Import files"}
        </button>
      </div>
      <p className="muted runbook-intro">
        One runbook per service, in seed 001's format. Import <code>&lt;service&gt;-runbook.md</code> files
        here or with <code>foghorn runbook import docs/runbooks/</code>; every save keeps the previous text.
      </p>
      {upload.error ? <ErrorNote>{upload.error}</ErrorNote> : null}
      {report ? <ImportResult report={report} onClose={() => setReport(null)} /> : null}
      {list.error && !items ? <LoadError what="runbooks" error={list.error} onRetry={list.reload} /> : null}
      <ListTable
        className="data-table runbook-table"
        caption="Runbooks by service"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        skeletonRows={3}
        row={(r) => <RunbookRow key={r.service} runbook={r} />}
        empty={
          <div className="empty">
            <p className="empty-title">No runbooks yet.</p>
            <p className="muted">
              Import a folder of <code>&lt;service&gt;-runbook.md</code> files, or open a service and write
              its runbook.
            </p>
          </div>
        }
      />
    </main>
  );
}

function RunbookRow({ runbook }: { runbook: RunbookSummary }) {
  return (
    <tr className="data-row">
      <td className="col-name">
        <Link href={`/services/${encodeURIComponent(runbook.service)}/runbook`} className="row-link">
          {runbook.service}
        </Link>
      </td>
      <td className="col-title">{runbook.title}</td>
      <td className="col-version">v{runbook.version}</td>
      <td className="col-updated">
        <RelativeTime iso={runbook.updated_at} /> <span className="muted">by {runbook.updated_by}</span>
      </td>
    </tr>
  );
}

function ImportResult({ report, onClose }: { report: ImportReport; onClose: () => void }) {
  return (
    <section className="card section runbook-import" aria-labelledby="import-h">
      <div className="section-head">
        <h2 id="import-h">Import</h2>
        <button type="button" className="btn btn-ghost btn-sm push-right" onClick={onClose}>
          Close
        </button>
      </div>
      <ul className="runbook-import-list">
        {report.files.map((f) => (
          <li key={f.file}>
            <span className={`import-result import-${f.result}`}>{f.result}</span>{" "}
            <span className="mono">{f.file}</span>
            {f.result === "skipped" ? (
              <span className="muted">: {f.reason}</span>
            ) : (
              <>
                {" → "}
                <Link href={`/services/${encodeURIComponent(f.service ?? "")}/runbook`}>{f.service}</Link>
                {f.version ? <span className="muted"> v{f.version}</span> : null}
                {f.service_created ? <span className="muted"> (new service)</span> : null}
              </>
            )}
            {f.warnings.length ? (
              <ul className="runbook-warnings">
                {f.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
