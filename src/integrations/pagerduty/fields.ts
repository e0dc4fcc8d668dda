/**
 * Field readers shared by the PagerDuty parsers (Events v2, change events, legacy v1). Each reader records
 * every problem it finds and returns undefined for an unusable value, so a parser checks the whole body and
 * answers with all its errors at once, as PagerDuty's 400 does.
 */

import { unstorableStrings } from "#app/validation.ts";
import type { AlertImage, AlertLink, PayloadError } from "#domain/alert/event.ts";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Length in Unicode code points, not UTF-16 units: Alertmanager truncates summaries to 1024 *runes* and
 * PostgreSQL counts characters, so a 1024-emoji summary must fit.
 */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

export interface TextRules {
  /** true → "is required"; a string → that message (for "required for trigger"-style rules). */
  required?: boolean | string;
  max?: number;
  /** Exact length in characters (PagerDuty's 32-character keys). */
  length?: number;
  /** Refuse "" (or only spaces): PagerDuty calls such a summary or source missing. */
  nonEmpty?: boolean;
  oneOf?: readonly string[];
}

/** Collects problems; `at` joins a parent path and a key into PagerDuty-style dotted paths. */
export class Problems {
  readonly errors: PayloadError[] = [];

  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /**
   * Reads a string field. Absent and null both count as "not given": senders built on PagerDuty's SDKs
   * serialise unset optional fields either way.
   */
  text(obj: JsonObject, key: string, prefix: string, rules: TextRules = {}): string | undefined {
    const field = at(prefix, key);
    const value = obj[key];
    if (value === undefined || value === null) {
      if (rules.required) this.add(field, rules.required === true ? "is required" : rules.required);
      return undefined;
    }
    if (typeof value !== "string") {
      this.add(field, `must be a string (got ${describe(value)})`);
      return undefined;
    }
    const before = this.errors.length;
    const n = charCount(value);
    if (rules.nonEmpty && value.trim() === "") this.add(field, "must not be empty");
    else if (rules.length !== undefined && n !== rules.length)
      this.add(field, `must be ${rules.length} characters (got ${n})`);
    else if (rules.max !== undefined && n > rules.max)
      this.add(field, `must be at most ${rules.max} characters (got ${n})`);
    else if (rules.oneOf && !rules.oneOf.includes(value))
      this.add(field, `must be one of ${rules.oneOf.join(", ")} (got ${JSON.stringify(value)})`);
    for (const u of unstorableStrings(value)) this.add(field, u.message);
    return this.errors.length === before ? value : undefined;
  }

  /** An optional ISO 8601 timestamp, normalised to UTC `toISOString()` form; null when absent. */
  timestamp(obj: JsonObject, key: string, prefix: string): string | null | undefined {
    const raw = this.text(obj, key, prefix);
    if (raw === undefined) return obj[key] === undefined || obj[key] === null ? null : undefined;
    const iso = normaliseTimestamp(raw);
    if (iso === undefined) {
      this.add(
        at(prefix, key),
        `must be an ISO 8601 date-time such as 2015-07-17T08:42:58.315+0000 (got ${JSON.stringify(raw)})`,
      );
    }
    return iso;
  }

  /**
   * Free-form details: an object is kept as is, any other JSON value is wrapped as `{ details: value }` so
   * nothing the sender said is lost; absent or null gives `{}`.
   */
  details(obj: JsonObject, key: string, prefix: string): JsonObject | undefined {
    const field = at(prefix, key);
    const value = obj[key];
    if (value === undefined || value === null) return {};
    const bad = unstorableStrings(value);
    for (const u of bad) this.add(u.field === "(body)" ? field : `${field}.${u.field}`, u.message);
    if (bad.length > 0) return undefined;
    return isObject(value) ? value : { details: value };
  }

  links(obj: JsonObject, key: string): AlertLink[] | undefined {
    return this.list(obj, key, "{href, text?}", (item, path) => {
      const href = this.text(item, "href", path, { required: true, nonEmpty: true });
      const text = this.text(item, "text", path);
      if (href === undefined) return undefined;
      return text === undefined ? { href } : { href, text };
    });
  }

  images(obj: JsonObject, key: string): AlertImage[] | undefined {
    return this.list(obj, key, "{src, href?, alt?}", (item, path) => {
      const src = this.text(item, "src", path, { required: true });
      const href = this.text(item, "href", path);
      const alt = this.text(item, "alt", path);
      if (src !== undefined && !isHttpsUrl(src)) {
        this.add(at(path, "src"), `must be an https:// URL (got ${JSON.stringify(src)})`);
        return undefined;
      }
      if (src === undefined) return undefined;
      return { src, ...(href === undefined ? {} : { href }), ...(alt === undefined ? {} : { alt }) };
    });
  }

  private list<T>(
    obj: JsonObject,
    key: string,
    shape: string,
    read: (item: JsonObject, path: string) => T | undefined,
  ): T[] | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.add(key, `must be an array of ${shape} (got ${describe(value)})`);
      return undefined;
    }
    const before = this.errors.length;
    const out: T[] = [];
    value.forEach((item, i) => {
      const path = `${key}.${i}`;
      if (!isObject(item)) this.add(path, `must be an object ${shape} (got ${describe(item)})`);
      else {
        const read1 = read(item, path);
        if (read1 !== undefined) out.push(read1);
      }
    });
    return this.errors.length === before ? out : undefined;
  }
}

/** The answer to a body that is not a JSON object (an array, a string, `null`). */
export function notAnObject(body: unknown): { ok: false; errors: PayloadError[] } {
  return {
    ok: false,
    errors: [{ field: "(body)", message: `must be a JSON object (got ${describe(body)})` }],
  };
}

/** Drops the undefined entries, so optional AlertEvent fields are absent rather than `undefined` in jsonb. */
export function optionalFields<K extends string>(
  fields: Record<K, string | undefined>,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of Object.keys(fields) as K[]) {
    const value = fields[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function at(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === "https:";
  } catch {
    return false;
  }
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses the ISO 8601 forms senders use and returns `toISOString()` (UTC), or undefined. PagerDuty's own
 * examples write the offset without a colon (`2015-07-17T08:42:58.315+0000`), which `Date.parse` does not
 * reliably accept, hence the hand-written parser. A time without an offset is taken as UTC, and a bare date
 * as midnight UTC: refusing them would drop an alert over a timestamp that is only informative.
 */
export function normaliseTimestamp(text: string): string | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const num = (i: number) => Number(m[i] ?? "0");
  const [year, month, day, hour, minute, second] = [num(1), num(2), num(3), num(4), num(5), num(6)];
  const frac = m[7] ?? "";
  const zone = m[8] ?? "Z";
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== "Z" && zone !== "z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || "0");
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined; // 2015-02-30 rolls over to March
  const ms = Number(`${frac}000`.slice(0, 3));
  date.setUTCHours(hour, minute - offsetMinutes, second, ms);
  return date.toISOString();
}
