/**
 * iCalendar (RFC 5545) feeds of on-call shifts, per user or per schedule. Times are written in UTC
 * ("…Z"), so no VTIMEZONE is needed and every client shows them in its own zone; the schedule's zone is
 * only a hint (X-WR-TIMEZONE).
 */

export interface CalendarEvent {
  /** Stable across renders (the same shift keeps its uid), so clients update instead of duplicating. */
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  url?: string;
}

export interface CalendarFeed {
  name: string;
  timeZone?: string;
  events: readonly CalendarEvent[];
  /** When the feed is rendered: every event's DTSTAMP. */
  now: Date;
}

/** RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and line breaks escaped; other control characters dropped. */
export function escapeText(text: string): string {
  return (
    text
      .replace(/[\\;,]/g, (c) => `\\${c}`)
      .replace(/\r\n|\r|\n/g, "\\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what TEXT may not contain
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "")
  );
}

function utf8Length(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  // A lone surrogate is written as U+FFFD, three octets.
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * RFC 5545 §3.1 folding: lines of at most 75 octets, continued after CRLF + one space. Splits only between
 * characters, never inside a UTF-8 sequence (or a surrogate pair).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = utf8Length(ch);
    if (octets + n > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = 74; // the leading space of a continuation line is one of its 75 octets
    }
    current += ch;
    octets += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** "20260329T010000Z" */
function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

// A URI is not TEXT (no backslash escapes), but a raw line break or control character would break the line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what must not reach the line
const uri = (url: string) => url.replace(/[\u0000-\u0020\u007f]/g, (c) => encodeURIComponent(c));

/** The feed as an iCalendar document: CRLF line endings, folded lines, UTC times. */
export function renderICalendar(feed: CalendarFeed): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Foghorn//On-call//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(feed.name)}`,
    ...(feed.timeZone ? [`X-WR-TIMEZONE:${escapeText(feed.timeZone)}`] : []),
    // Subscribed clients re-fetch at most this often; on-call changes with every override.
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
  ];
  const stamp = utcStamp(feed.now);
  for (const event of feed.events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcStamp(event.start)}`,
      `DTEND:${utcStamp(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
      ...(event.description !== undefined ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
      ...(event.url !== undefined ? [`URL:${uri(event.url)}`] : []),
      "TRANSP:OPAQUE",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
