import { useSyncExternalStore } from "react";
import { serverNow } from "../api/client.ts";

// Human times: "12 min ago" with the exact local time (viewer's time zone) in the tooltip, and
// durations that tick. One shared timer drives every ticking element on the page.

const tickListeners = new Set<() => void>();
let tickTimer: number | undefined;
let now = serverNow();

function subscribeTick(listener: () => void): () => void {
  tickListeners.add(listener);
  if (tickTimer === undefined) {
    now = serverNow();
    tickTimer = window.setInterval(() => {
      now = serverNow();
      for (const l of tickListeners) l();
    }, 1000);
  }
  return () => {
    tickListeners.delete(listener);
    if (tickListeners.size === 0) {
      window.clearInterval(tickTimer);
      tickTimer = undefined;
    }
  };
}

/** The current time (server-corrected), re-rendering every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribeTick, () => now);
}

const exactFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const yearFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function formatExact(iso: string): string {
  return exactFormat.format(new Date(iso));
}

export function formatClock(iso: string): string {
  return clockFormat.format(new Date(iso));
}

/** "just now", "40 s ago", "12 min ago", "3 h ago", "2 d ago", then a date; "in 3 min" for the future. */
export function formatRelative(iso: string, at: number): string {
  const t = Date.parse(iso);
  const diff = Math.round((at - t) / 1000);
  const abs = Math.abs(diff);
  const say = (text: string) => (diff >= 0 ? `${text} ago` : `in ${text}`);
  if (abs < 10) return diff >= 0 ? "just now" : "in a few s";
  if (abs < 60) return say(`${abs} s`);
  if (abs < 3600) return say(`${Math.floor(abs / 60)} min`);
  if (abs < 86_400) return say(`${Math.floor(abs / 3600)} h`);
  if (abs < 7 * 86_400) return say(`${Math.floor(abs / 86_400)} d`);
  const date = new Date(t);
  return date.getFullYear() === new Date(at).getFullYear() ? dayFormat.format(date) : yearFormat.format(date);
}

/** Minutes in words for SLA clocks: "3 min", "1 h 20 min", "2 d 4 h". */
export function formatSpan(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Compact duration for tables: "42s", "12m 05s", "3h 12m", "2d 4h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** A <time> element showing "12 min ago", updating itself, with the exact local time on hover. */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const at = useNow();
  return (
    <time dateTime={iso} title={formatExact(iso)} className={className}>
      {formatRelative(iso, at)}
    </time>
  );
}

/**
 * An incident's duration: ticking while it is open. `seconds` is the server's figure at `fetchedAt`
 * (serverNow() when the answer arrived), so the display does not depend on the viewer's clock.
 */
export function LiveDuration({
  seconds,
  fetchedAt,
  running,
}: {
  seconds: number;
  fetchedAt: number;
  running: boolean;
}) {
  if (!running) return <span className="num">{formatDuration(seconds)}</span>;
  return <TickingDuration seconds={seconds} fetchedAt={fetchedAt} />;
}

function TickingDuration({ seconds, fetchedAt }: { seconds: number; fetchedAt: number }) {
  const at = useNow();
  const elapsed = Math.max(0, (at - fetchedAt) / 1000);
  return <span className="num">{formatDuration(seconds + elapsed)}</span>;
}

/** A fact-list row with a time ("Resolved 3 min ago"), or a dash when it has not happened. */
export function Stamp({ label, iso }: { label: string; iso: string | null }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{iso ? <RelativeTime iso={iso} /> : <span className="muted">—</span>}</dd>
    </div>
  );
}
