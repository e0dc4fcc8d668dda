import { useEffect, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { getEngineStatus, listNotifications, retryJob } from "../../api/oncall.ts";
import type { DeadJob, NotificationState } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { useLiveEvents } from "../../live/events.ts";
import { setQuery, useLocation } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { Section } from "../../ui/section.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { NOTIFICATION_COLUMNS, NotificationRow } from "./notifications.tsx";

// What paging did: the messages sent (newest first) with their state, the dead letters with Retry, and
// the job engine's queue (pending, running, dead, lag) with its dead jobs.

const FILTERS: { value: "" | NotificationState; label: string }[] = [
  { value: "", label: "All" },
  { value: "failed", label: "Dead letters" },
  { value: "pending", label: "Pending" },
  { value: "sending", label: "Sending" },
  { value: "sent", label: "Sent" },
  { value: "cancelled", label: "Cancelled" },
];

/** Test messages and engine counts announce nothing on the event feed: poll while the page is open. */
const POLL_MS = 5000;

function usePolling(reload: () => void): void {
  useEffect(() => {
    const t = window.setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, POLL_MS);
    return () => window.clearInterval(t);
  }, [reload]);
}

export function PagingPage() {
  useDocumentTitle("Paging");
  const { search } = useLocation();
  const raw = search.get("state") ?? "";
  const state = FILTERS.some((f) => f.value === raw) ? (raw as "" | NotificationState) : "";
  const list = useResource(
    state,
    (signal) => listNotifications({ ...(state ? { state } : {}), limit: 200 }, signal),
    { keepPrevious: true },
  );
  useLiveEvents(() => list.reload());
  usePolling(list.reload);
  const items = list.data?.items;
  const setState = (value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set("state", value);
    else next.delete("state");
    setQuery(next, { replace: true });
  };
  return (
    <main className="page page-paging" id="main">
      <div className="page-head">
        <h1>Paging</h1>
      </div>
      <EngineSection />
      <section className="paging-messages" aria-labelledby="messages-h">
        <div className="section-head">
          <h2 id="messages-h">Messages</h2>
          <div className="segmented push-right" role="radiogroup" aria-label="Show">
            {FILTERS.map((f) => (
              <label key={f.value} className={state === f.value ? "on" : undefined}>
                <input
                  type="radio"
                  name="nstate"
                  value={f.value}
                  checked={state === f.value}
                  onChange={() => setState(f.value)}
                />
                {f.label}
              </label>
            ))}
          </div>
        </div>
        {list.error && !items ? <LoadError what="messages" error={list.error} onRetry={list.reload} /> : null}
        <ListTable
          className="data-table notification-table"
          caption={
            state ? `Messages: ${FILTERS.find((f) => f.value === state)?.label}` : "Messages, newest first"
          }
          header={<PlainHeaders columns={NOTIFICATION_COLUMNS} />}
          columnCount={NOTIFICATION_COLUMNS.length}
          items={items}
          error={list.error}
          loading={list.loading}
          stale={list.stale}
          skeletonRows={4}
          row={(n) => <NotificationRow key={n.id} n={n} onChanged={list.reload} />}
          empty={
            <div className="empty">
              <p className="empty-title">
                {state === "failed"
                  ? "No dead letters: every message was delivered or is still being tried."
                  : "No messages yet."}
              </p>
              {state === "" ? (
                <p className="muted">
                  Pages appear here once an incident pages someone. Send a test from a person's contact
                  methods to check a channel.
                </p>
              ) : null}
            </div>
          }
        />
      </section>
    </main>
  );
}

function EngineSection() {
  const engine = useResource("engine", (signal) => getEngineStatus(signal));
  usePolling(engine.reload);
  const e = engine.data;
  return (
    <Section headingId="engine-h" title="Engine queue">
      {engine.error && !e ? (
        <LoadError what="the engine's queue" error={engine.error} onRetry={engine.reload} />
      ) : null}
      <dl className="stats" aria-busy={!e}>
        <Stat label="Pending" value={e?.pending} />
        <Stat label="Running" value={e?.running} />
        <Stat label="Dead" value={e?.dead} tone={e?.dead ? "bad" : undefined} />
        <Stat
          label="Lag"
          value={e ? `${e.lag_seconds} s` : undefined}
          tone={e && e.lag_seconds > 30 ? "bad" : e && e.lag_seconds > 5 ? "warn" : undefined}
          hint="How late the oldest due job is"
        />
      </dl>
      {e?.dead_jobs.length ? (
        <>
          <h3 className="subhead">Dead jobs</h3>
          <ul className="row-list dead-jobs">
            {e.dead_jobs.map((j) => (
              <DeadJobRow key={j.id} job={j} onDone={engine.reload} />
            ))}
          </ul>
        </>
      ) : e ? (
        <p className="muted small">No dead jobs: every background job ran or will run.</p>
      ) : null}
    </Section>
  );
}

function Stat({
  label,
  value,
  tone,
  hint,
}: {
  label: string;
  value: number | string | undefined;
  tone?: "warn" | "bad" | undefined;
  hint?: string;
}) {
  return (
    <div className={`stat${tone ? ` stat-${tone}` : ""}`} title={hint}>
      <dt>{label}</dt>
      <dd className="num">{value ?? <span className="skeleton" />}</dd>
    </div>
  );
}

function DeadJobRow({ job, onDone }: { job: DeadJob; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    try {
      await retryJob(job.id);
      toast(`Job ${job.id} queued again`);
      onDone();
    } catch (err) {
      toast(`Could not retry job ${job.id}: ${errorMessage(err)}`, "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="row-item">
      <div className="row-main">
        <div className="row-title">
          <span className="mono">{job.kind}</span>
          <span className="muted small mono">#{job.id}</span>
          <span className="muted small">
            {job.attempts} attempt{job.attempts === 1 ? "" : "s"}, failed <RelativeTime iso={job.failed_at} />
          </span>
        </div>
        {job.last_error ? <span className="check-error">{job.last_error}</span> : null}
      </div>
      <button
        type="button"
        className="btn btn-secondary btn-xs"
        disabled={busy}
        onClick={() => void retry()}
        aria-label={`Retry job ${job.id} (${job.kind})`}
      >
        {busy ? "Retrying…" : "Retry"}
      </button>
    </li>
  );
}
