// `foghorn incident template`, `checklist` and `tick` against a real server, as a responder types them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
let id = "";
const clock = new ManualClock(T0);
const run = (...argv: string[]) => cli(argv, { env });

before(async () => {
  server = await startTestFoghorn("pglite", { clock });
  env = serverEnv(server);
  const r = await run(
    "incident",
    "declare",
    "--title",
    "Checkout errors",
    "--severity",
    "SEV2",
    "--assignee",
    "bob",
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  id = (JSON.parse(r.stdout) as { id: string }).id;
});
after(() => server.close());

test("template NAME prints only the text, ready to pipe", async () => {
  const r = await run("incident", "template", id, "status-doc");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.ok(
    r.stdout.startsWith("# [SEV2] Checkout errors — 2026-03-02 09:00 UTC\n## What's happening\n"),
    r.stdout,
  );
  assert.match(r.stdout, /## Timeline \(newest first\)\n- 09:00 — declared SEV2 "Checkout errors"\n$/);
  const json = JSON.parse((await run("incident", "template", id, "status-doc", "--json")).stdout) as {
    name: string;
    text: string;
  };
  assert.equal(`${json.text}\n`, r.stdout);
});

test("template without NAME lists the templates; a bad name names the known ones", async () => {
  const r = await run("incident", "template", id);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+FOR\s+POST AS\s+TITLE$/m);
  assert.match(r.stdout, /^status-identified\s+external\s+external identified\s+Status page: identified$/m);
  assert.match(r.stdout, /^executive-brief\s+internal \(SEV1\)\s+-\s+Executive brief$/m);
  const bad = await run("incident", "template", id, "status-dok");
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(
    bad.stderr,
    /^foghorn: .*no template "status-dok"; the templates are incident-declared, .*status-doc/,
  );
});

test("checklist shows due minutes and OVERDUE; tick and --undo record it", async () => {
  clock.advance(150 * 1000);
  const before = await run("incident", "checklist", id);
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /^DUE\s+KEY\s+TASK\s+DONE$/m);
  assert.match(
    before.stdout,
    /^\+1m 09:01\s+acknowledge-and-classify\s+Acknowledge and classify\s+OVERDUE$/m,
  );
  assert.match(before.stdout, /^\+3m 09:03\s+identify-recent-changes\s+Identify recent changes\s+-$/m);

  const tick = await run("incident", "tick", id, "assess-scope");
  assert.equal(tick.code, 0, tick.stderr);
  assert.equal(tick.stdout, `Assess scope: done on ${id} (1/5 done).\n`);
  const again = await run("incident", "tick", id, "assess-scope");
  assert.match(again.stdout, /already done .* nothing changed/);
  const after = await run("incident", "checklist", id);
  assert.match(after.stdout, /^\+2m 09:02\s+assess-scope\s+Assess scope\s+✓ admin at 09:02$/m);

  const undo = await run("incident", "tick", id, "assess-scope", "--undo");
  assert.equal(undo.stdout, `Assess scope: reopened on ${id} (0/5 done).\n`);
  const timeline = await run("incident", "timeline", id);
  assert.match(timeline.stdout, /checklist: Assess scope done/);
  assert.match(timeline.stdout, /checklist: Assess scope reopened/);

  const unknown = await run("incident", "tick", id, "asses-scope");
  assert.notEqual(unknown.code, 0);
  assert.equal(unknown.stderr.trimEnd().split("\n").length, 1, unknown.stderr);
  assert.match(
    unknown.stderr,
    /no checklist task "asses-scope"; its tasks are acknowledge-and-classify, assess-scope/,
  );
});
