// The incident commands against a real server: an incident's whole life, as a responder types it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

/** Declares an incident through the CLI and returns its id. */
async function declare(title: string, ...more: string[]): Promise<string> {
  const r = await run("incident", "declare", "--title", title, "--severity", "SEV3", "--json", ...more);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { id: string }).id;
}

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(() => server.close());

test("declare → list → ack → refused status → resolve → verify", async () => {
  const declared = await run(
    "incident",
    "declare",
    "--title",
    "Checkout errors",
    "--severity",
    "SEV2",
    "--service",
    "checkout",
    "--service",
    "api",
    "--assignee",
    "bob",
    "--description",
    "5xx on /pay",
  );
  assert.equal(declared.code, 0, declared.stderr);
  const id = /Declared: (INC-\d+)/.exec(declared.stdout)?.[1] ?? "";
  assert.match(id, /^INC-\d+$/, declared.stdout);
  assert.match(declared.stdout, new RegExp(`Next: foghorn incident ack ${id}`));

  const list = await run("incident", "list", "--status", "open", "--service", "checkout");
  assert.equal(list.code, 0, list.stderr);
  const header = list.stdout.split("\n")[0] ?? "";
  assert.match(header, /^ID\s+SEV\s+STATUS\s+TITLE\s+ASSIGNEE\s+DURATION\s+SERVICES$/);
  const row = list.stdout.split("\n").find((l) => l.startsWith(`${id} `)) ?? "";
  assert.match(row, /SEV2\s+triggered\s+Checkout errors\s+bob\s+\d+s\s+api, checkout/);
  assert.equal(header.indexOf("STATUS"), row.indexOf("triggered"), "columns are aligned");

  const ack = await run("incident", "ack", id);
  assert.equal(ack.code, 0, ack.stderr);
  assert.match(ack.stdout, /acknowledged/);

  const refused = await run("incident", "status", id, "triggered");
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  const lines = refused.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, refused.stderr);
  assert.match(lines[0] ?? "", /^foghorn: .*cannot move to triggered.*investigating, mitigating, resolved/);

  const mitigating = await run("incident", "status", id, "mitigating", "--note", "Rolled back the deploy");
  assert.equal(mitigating.code, 0, mitigating.stderr);
  const resolved = await run("incident", "resolve", id, "--note", "Error rate back to baseline");
  assert.equal(resolved.code, 0, resolved.stderr);
  assert.match(resolved.stdout, /resolved/);

  const verify = await run("incident", "verify", id);
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, new RegExp(`ok: ${id} timeline is intact \\(\\d+ events`));
});

test("--json prints the API's JSON", async () => {
  const id = await declare("JSON output");
  const show = await run("incident", "show", id, "--json");
  assert.equal(show.code, 0, show.stderr);
  const incident = JSON.parse(show.stdout) as { id: string; status: string; sla: object; action_items: [] };
  assert.equal(incident.id, id);
  assert.equal(incident.status, "triggered");
  assert.ok(incident.sla && Array.isArray(incident.action_items));

  const list = await run("incident", "list", "--json", "--limit", "1");
  const page = JSON.parse(list.stdout) as { items: { id: string }[]; next_cursor: string | null };
  assert.equal(page.items.length, 1);
  assert.ok(page.next_cursor, "more than one incident exists, so there is a next page");

  const all = await run("incident", "list", "--all", "--json");
  const everything = JSON.parse(all.stdout) as { items: { id: string }[]; next_cursor: null };
  assert.ok(everything.items.some((i) => i.id === id));
  assert.equal(everything.next_cursor, null);

  const verify = JSON.parse((await run("incident", "verify", id, "--json")).stdout) as { ok: boolean };
  assert.equal(verify.ok, true);
});

test("note, assign, update, evidence, status update and action items, then show and timeline", async () => {
  const id = await declare("Pool exhaustion", "--service", "api");
  const steps: string[][] = [
    ["incident", "note", id, "Error", "rate", "12%"],
    ["incident", "assign", id, "--role", "commander", "alice"],
    ["incident", "assign", id, "--role", "responder", "carol"],
    ["incident", "assign", id, "--role", "responder", "dave"],
    ["incident", "assign", id, "--role", "responder", "dave", "--remove"],
    ["incident", "update", id, "--severity", "SEV1", "--add-service", "db", "--remove-service", "api"],
    [
      "incident",
      "update",
      id,
      "--tag",
      "data-breach",
      "--impact",
      "EU checkout down",
      "--root-cause",
      "pool",
    ],
    [
      "incident",
      "evidence",
      id,
      "https://grafana.example.com/d/db",
      "--kind",
      "dashboard",
      "--caption",
      "pool",
    ],
    ["incident", "post", id, "--external", "--status", "identified", "We found the cause"],
    ["incident", "action", "add", id, "Alert on pool saturation", "--owner", "bob", "--priority", "high"],
  ];
  for (const argv of steps) {
    const r = await run(...argv);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  }
  const done = await run("incident", "action", "done", id, "1");
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /Done: Alert on pool saturation/);

  const show = await run("incident", "show", id);
  assert.equal(show.code, 0, show.stderr);
  for (const expected of [
    new RegExp(`^${id}\\s+SEV1\\s+triggered\\s+Pool exhaustion`, "m"),
    /Commander\s+alice/,
    /Responders\s+carol$/m,
    /Services\s+db$/m,
    /Tags\s+data-breach$/m,
    /Impact\s+EU checkout down/,
    /SLA clocks/,
    /Acknowledge\s+within 5m: (due in|BREACHED)/,
    /Evidence \(1\)[\s\S]*dashboard\s+https:\/\/grafana\.example\.com\/d\/db\s+pool/,
    /Status updates \(1\)[\s\S]*external\s+identified\s+admin\s+We found the cause/,
    /Action items \(1\)[\s\S]*done\s+high\s+bob/,
    /Timeline \(\d+ events, last 10; all: foghorn incident timeline/,
    /action item done: Alert on pool saturation/,
  ]) {
    assert.match(show.stdout, expected);
  }

  const timeline = await run("incident", "timeline", id);
  assert.equal(timeline.code, 0, timeline.stderr);
  assert.match(timeline.stdout, /^#\s+AT \(UTC\)\s+WHO\s+WHAT$/m);
  assert.match(timeline.stdout, /^1\s+.*admin\s+declared SEV3 "Pool exhaustion"$/m);
  assert.match(timeline.stdout, /note: Error rate 12%/);
  assert.match(timeline.stdout, /dave is no longer responder/);
  const last = await run("incident", "timeline", id, "--last", "2", "--json");
  assert.equal((JSON.parse(last.stdout) as { events: unknown[] }).events.length, 2);
});

test("list filters and sorting reach the API", async () => {
  const id = await declare("Filter me", "--assignee", "zed", "--service", "filter-svc");
  const r = await run("incident", "list", "--assignee", "zed", "--sort", "-created_at", "--severity", "SEV3");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${id}\\s`, "m"));
  const none = await run("incident", "list", "--service", "no-such-service");
  assert.equal(none.code, 0);
  assert.match(none.stdout, /No incidents match/);
});

test("services lists the services incidents named", async () => {
  await declare("Services", "--service", "payments-svc");
  const r = await run("services");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+DESCRIPTION\s+CREATED$/m);
  assert.match(r.stdout, /^payments-svc\s/m);
});
