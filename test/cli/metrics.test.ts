// `foghorn metrics` against a real server: the summary a lead reads, one section as a table, its CSV (the
// API's bytes), the API's JSON, one-line errors; and `foghorn service set --team`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type CliResult, cli, serverEnv } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
const clock = new ManualClock(T0);
const run = (...argv: string[]) => cli(argv, { env });
const RANGE = ["--from", "2026-03-02", "--to", "2026-03-03"];

/** Exactly one line on stderr, starting with "foghorn: ", and nothing on stdout. */
function oneLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.equal(r.stdout, "");
  const [line = ""] = lines;
  assert.match(line, /^foghorn: /);
  return line;
}

async function api<T = { id: string }>(path: string, body?: unknown): Promise<T> {
  const res = await server.api(path, body === undefined ? {} : { body });
  const text = await res.text();
  assert.ok(res.status < 300, `${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

before(async () => {
  server = await startTestFoghorn("pglite", { clock });
  env = serverEnv(server);
  await api("/api/v1/teams", { name: "payments" });
  await api("/api/v1/services", { name: "checkout" });
  // SEV1: acknowledged after 4 min 12 s (target 5 min: met), resolved after 2 h 5 min.
  const sev1 = await api("/api/v1/incidents", {
    title: "Checkout down",
    severity: "SEV1",
    affected_services: ["checkout"],
  });
  clock.advance(4 * MINUTE + 12_000);
  await api(`/api/v1/incidents/${sev1.id}/status`, { status: "acknowledged" });
  clock.advance(2 * 60 * MINUTE + 5 * MINUTE - (4 * MINUTE + 12_000));
  await api(`/api/v1/incidents/${sev1.id}/status`, { status: "resolved" });
});
after(() => server.close());

test("service set --team names the owning team; --team none clears it; an unknown team is one line", async () => {
  const set = await run("service", "set", "checkout", "--team", "payments");
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /^ {2}Team\s+payments$/m);
  const json = await run("service", "show", "checkout", "--json");
  assert.equal((JSON.parse(json.stdout) as { team: string }).team, "payments");

  const unknown = await run("service", "set", "checkout", "--team", "ghosts");
  assert.equal(unknown.code, 1);
  assert.match(oneLine(unknown), /"ghosts".*known teams: payments/);

  const cleared = await run("service", "set", "checkout", "--team", "none");
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stdout, /^ {2}Team\s+none/m);
  assert.equal((await run("service", "set", "checkout", "--team", "payments")).code, 0);
});

test("foghorn metrics: a summary with human durations and shares", async () => {
  const r = await run("metrics", ...RANGE);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Metrics {2}2026-03-02 – 2026-03-02 \(1 day\) · all incidents$/m);
  for (const heading of [
    "Response times",
    "SLA",
    "Status updates",
    "Postmortems",
    "Action items",
    "Alerts",
    "On-call load",
    "Uptime",
  ])
    assert.match(r.stdout, new RegExp(`^${heading}\\b`, "m"), heading);
  // MTTA 4m 12s (mean; the median within 1 %), MTTR 2h 05m.
  assert.match(r.stdout, /^SEV1\s+1\s+4m 12s\s+4m \d\ds\s+4m \d\ds\s+2h 05m\s+/m);
  assert.match(r.stdout, /^SEV1\s+5m\s+1\s+1\s+100\.0 %$/m, "SLA: met within the 5-minute target");
  assert.match(r.stdout, /^SEV3\s+1h\s+0\s+0\s+—$/m, "nothing counted reads —, not 0 %");

  const team = await run("metrics", ...RANGE, "--team", "payments", "--severity", "SEV1,SEV2");
  assert.equal(team.code, 0, team.stderr);
  assert.match(team.stdout, /· team payments · SEV1, SEV2$/m);
});

test("foghorn metrics SECTION prints its table; --csv the API's CSV; --json the API's JSON", async () => {
  const table = await run("metrics", "sla", ...RANGE);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^sla {2}2026-03-02 – 2026-03-02 \(1 day\)/);
  assert.match(table.stdout, /^SEV1\s.*100\.0 %/m);
  assert.doesNotMatch(table.stdout, /\bnull\b/);

  const csv = await run("metrics", "response-times", ...RANGE, "--csv");
  assert.equal(csv.code, 0, csv.stderr);
  const res = await server.api("/api/v1/metrics/response-times?from=2026-03-02&to=2026-03-03&format=csv");
  assert.equal(csv.stdout, await res.text(), "the same bytes as the API's download");
  assert.match(csv.stdout, /\r\n/);

  const json = await run("metrics", "oncall-load", ...RANGE, "--json");
  assert.equal(json.code, 0, json.stderr);
  const body = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ["filters", "generated_at", "oncall_load", "range"]);
  const whole = JSON.parse((await run("metrics", ...RANGE, "--json")).stdout) as { range: unknown };
  assert.deepEqual(whole.range, { from: "2026-03-02", to: "2026-03-03", days: 1 });
});

test("bad input is one line with the flag's name and a non-zero exit", async () => {
  const bad = await run("metrics", "--days", "lots", "--severity", "SEV9");
  assert.equal(bad.code, 1);
  const line = oneLine(bad);
  assert.match(line, /--days: "lots" is not a number of days/);
  assert.match(line, /--severity: unknown severity "SEV9"/);

  const flag = await run("metrics", "--sevrity", "SEV1");
  assert.equal(flag.code, 2);
  assert.match(oneLine(flag), /unknown flag --sevrity for foghorn metrics; did you mean --severity\?/);

  const section = await run("metrics", "mtta");
  assert.equal(section.code, 2);
  assert.match(oneLine(section), /unknown metrics section "mtta"; .*response-times/);

  const csvAlone = await run("metrics", "--csv");
  assert.equal(csvAlone.code, 2);
  assert.match(oneLine(csvAlone), /--csv prints one section/);

  const both = await run("metrics", "sla", "--csv", "--json");
  assert.equal(both.code, 2);
  oneLine(both);

  const unknownService = await run("metrics", "--service", "nowhere");
  assert.equal(unknownService.code, 3, "not found");
  assert.match(oneLine(unknownService), /nowhere/);
});
