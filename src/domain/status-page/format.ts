/**
 * The few helpers every public surface shares: the one escape function (HTML text, attributes and XML),
 * the URL and colour checks applied before a setting reaches the page, and times in the page's zone.
 */
import { isValidTimeZone } from "../alert/maintenance.ts";
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "./types.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML and XML, in element content and in quoted attributes alike. Control characters
 * that XML 1.0 forbids are dropped, so a feed stays well-formed whatever an update says.
 */
export function escapeHtml(value: unknown): string {
  return (
    String(value ?? "")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
  );
}

/** `url` when it is an absolute http(s) URL (as the URL parser normalizes it), else null. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (typeof url !== "string") return null;
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    return parsed.href;
  } catch {
    return null;
  }
}

/** The brand colour when it is "#rrggbb", else the default. */
export function safeColor(color: string | null | undefined, fallback = "#2563eb"): string {
  return typeof color === "string" && /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : fallback;
}

export function statusLabel(status: ComponentStatus): string {
  return COMPONENT_STATUS_LABELS[status] ?? status;
}

const UPDATE_LABELS: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  postmortem: "Postmortem",
  scheduled: "Scheduled",
  in_progress: "In progress",
  verifying: "Verifying",
  completed: "Completed",
};

/** "Investigating", "In progress" … for incident and maintenance statuses. */
export function updateLabel(status: string): string {
  return UPDATE_LABELS[status] ?? status;
}

/** "99.95 %" (two decimals, never rounded up to 100 % while there was downtime). */
export function formatPercent(ratio: number): string {
  const hundredths = Math.floor(ratio * 10000 + 1e-9);
  return `${(hundredths / 100).toFixed(2)} %`;
}

/** Formats instants in the page's zone: "Mar 29, 2026, 14:05 CEST", "Mar 29, 2026", "14:05". */
export class PageTime {
  readonly timeZone: string;
  readonly #full: Intl.DateTimeFormat;
  readonly #date: Intl.DateTimeFormat;
  readonly #zoneNames: Intl.DateTimeFormat[];

  constructor(timeZone: string) {
    this.timeZone = isValidTimeZone(timeZone) ? timeZone : "UTC";
    const base = { timeZone: this.timeZone } as const;
    this.#full = new Intl.DateTimeFormat("en-US", {
      ...base,
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    this.#date = new Intl.DateTimeFormat("en-US", {
      ...base,
      year: "numeric",
      month: "short",
      day: "numeric",
    });
    // Short zone names differ by locale: en-US knows EDT/PST, en-GB knows CET/BST; either falls back to GMT±n.
    this.#zoneNames = ["en-US", "en-GB"].map(
      (locale) => new Intl.DateTimeFormat(locale, { ...base, timeZoneName: "short" }),
    );
  }

  #parts(at: Date): Record<string, string> {
    return Object.fromEntries(this.#full.formatToParts(at).map((p) => [p.type, p.value]));
  }

  zoneName(at: Date): string {
    if (this.timeZone === "UTC" || this.timeZone === "Etc/UTC") return "UTC";
    const names = this.#zoneNames.map(
      (f) => f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "",
    );
    return names.find((n) => n && !n.startsWith("GMT")) ?? names[0] ?? this.timeZone;
  }

  /** "Mar 29, 2026, 14:05 CEST" */
  dateTime(at: Date): string {
    const p = this.#parts(at);
    return `${p.month} ${p.day}, ${p.year}, ${p.hour}:${p.minute} ${this.zoneName(at)}`;
  }

  /** "Mar 29, 2026" */
  date(at: Date): string {
    return this.#date.format(at);
  }

  /** "14:05" */
  time(at: Date): string {
    const p = this.#parts(at);
    return `${p.hour}:${p.minute}`;
  }

  /** "Mar 29, 2026, 02:00 – 04:00 CEST", or both ends in full when they fall on different days. */
  range(from: Date, to: Date): string {
    if (this.date(from) === this.date(to) && this.zoneName(from) === this.zoneName(to)) {
      const p = this.#parts(from);
      return `${p.month} ${p.day}, ${p.year}, ${p.hour}:${p.minute} – ${this.time(to)} ${this.zoneName(to)}`;
    }
    return `${this.dateTime(from)} – ${this.dateTime(to)}`;
  }
}

/** "Mar 29, 2026" for a YYYY-MM-DD local date (no zone arithmetic: the date is already local). */
export function formatLocalDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${months[(m ?? 1) - 1] ?? ""} ${d}, ${y}`;
}
