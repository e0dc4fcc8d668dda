/**
 * What the alert tests share: talking to a running Foghorn as a sender (no token) and as an admin, reading
 * the real captured payloads of test/fixtures, and polling with a deadline instead of sleeping.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { uniqueName } from "../helpers/factories.ts";
import type { TestFoghorn } from "../helpers/foghorn.ts";

export type Json = Record<string, unknown>;

const FIXTURES = resolve(import.meta.dirname, "../fixtures");

/** A captured request body from test/fixtures, parsed (a fresh copy each call, safe to edit). */
export function fixture(name: string): Json {
  return JSON.parse(readFileSync(resolve(FIXTURES, name), "utf8")) as Json;
}

/** A captured request body exactly as the sender sent it. */
export function fixtureText(name: string): string {
  return readFileSync(resolve(FIXTURES, name), "utf8");
}

export async function json(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Json;
  } catch {
    assert.fail(`expected a JSON body, got ${res.status}: ${text.slice(0, 500)}`);
  }
}

/** POSTs like a sender does: no Authorization header, the body as given (a string is sent verbatim). */
export function send(
  foghorn: TestFoghorn,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${foghorn.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

/** An admin API call that must answer `status`; returns the JSON body. */
export async function apiOk(
  foghorn: TestFoghorn,
  path: string,
  init: { method?: string; body?: unknown } = {},
  status = init.body === undefined && (init.method ?? "GET") === "GET" ? 200 : 201,
): Promise<Json> {
  const res = await foghorn.api(path, init);
  const text = await res.text();
  assert.equal(res.status, status, `${init.method ?? (init.body ? "POST" : "GET")} ${path}: ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

export async function createService(foghorn: TestFoghorn, prefix = "svc", extra: Json = {}): Promise<string> {
  const name = uniqueName(prefix);
  await apiOk(foghorn, "/api/v1/services", { body: { name, ...extra } });
  return name;
}

export interface Integration {
  id: string;
  routing_key: string;
  url: string;
  kind: string;
}

export async function createIntegration(
  foghorn: TestFoghorn,
  service: string,
  kind: string,
  extra: Json = {},
): Promise<Integration> {
  const created = await apiOk(foghorn, `/api/v1/services/${service}/integrations`, {
    body: { kind, ...extra },
  });
  assert.equal(typeof created.routing_key, "string");
  return created as unknown as Integration;
}

/** Every alert of a service, newest first (all pages). */
export async function alertsOf(foghorn: TestFoghorn, service: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: unknown = null;
  do {
    const page = await apiOk(
      foghorn,
      `/api/v1/alerts?service=${service}&limit=200${cursor ? `&cursor=${encodeURIComponent(String(cursor))}` : ""}`,
    );
    items.push(...(page.items as Json[]));
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** The one alert a service has; fails when it has none or several. */
export async function onlyAlert(foghorn: TestFoghorn, service: string): Promise<Json> {
  const alerts = await alertsOf(foghorn, service);
  assert.equal(alerts.length, 1, `expected exactly one alert on ${service}: ${JSON.stringify(alerts)}`);
  return alerts[0] as Json;
}

/** Every incident affecting a service, oldest first. */
export async function incidentsOf(foghorn: TestFoghorn, service: string): Promise<Json[]> {
  const page = await apiOk(foghorn, `/api/v1/incidents?service=${service}&sort=id&limit=200`);
  return page.items as Json[];
}

export async function incident(foghorn: TestFoghorn, id: unknown): Promise<Json> {
  return apiOk(foghorn, `/api/v1/incidents/${String(id)}`);
}

/** What the paging engine adds to a timeline (pages, escalations), which alert tests leave out. */
const PAGING_KINDS = /^(escalation|page|reminder)\./;

/** The kinds of an incident's timeline, oldest first, without the paging engine's events. */
export async function timelineKinds(foghorn: TestFoghorn, id: unknown): Promise<string[]> {
  const timeline = await apiOk(foghorn, `/api/v1/incidents/${String(id)}/timeline`);
  return (timeline.events as Json[]).map((e) => String(e.kind)).filter((k) => !PAGING_KINDS.test(k));
}

/**
 * Calls `probe` until it returns a value that is not undefined, or fails after `timeoutMs` with `what` and
 * the last value seen. Polls every `everyMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 10_000, everyMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : "";
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
