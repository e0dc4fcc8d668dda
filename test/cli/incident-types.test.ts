// Custom fields and incident types from the command line, against a real server.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv, tempDir } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(() => server.close());

test("define fields and a type, declare with it, edit and filter by field values", async () => {
  const tier = await run(
    "field",
    "create",
    "customer_tier",
    "--kind",
    "select",
    "--options",
    "gold,silver,bronze",
    "--label",
    "Customer tier",
  );
  assert.equal(tier.code, 0, tier.stderr);
  assert.match(tier.stdout, /Created select field customer_tier/);
  assert.equal((await run("field", "create", "orders_lost", "--kind", "number")).code, 0);
  const fields = await run("field", "list");
  assert.match(fields.stdout, /customer_tier\s+Customer tier\s+select\s+gold, silver, bronze/);

  const dir = tempDir();
  const checklist = join(dir, "checklist.yaml");
  writeFileSync(
    checklist,
    "- key: rotate-keys\n  title: Rotate keys\n  due_minute: 10\n- key: call-legal\n  title: Call legal\n  due_minute: 30\n",
  );
  const created = await run(
    "incident-type",
    "create",
    "Security breach",
    "--severity",
    "critical",
    "--service",
    "auth",
    "--role",
    "commander=alice",
    "--role",
    "comms=carol",
    "--field",
    "customer_tier=gold",
    "--checklist-file",
    checklist,
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Severity\s+SEV1/);
  assert.match(created.stdout, /Checklist\s+Rotate keys \(10 min\); Call legal \(30 min\)/);

  const declared = await run(
    "incident",
    "declare",
    "--title",
    "Leaked keys",
    "--type",
    "security BREACH",
    "--json",
  );
  assert.equal(declared.code, 0, declared.stderr);
  const incident = JSON.parse(declared.stdout) as {
    id: string;
    severity: string;
    type: string;
    custom_fields: object;
    assignee: string;
  };
  assert.equal(incident.severity, "SEV1");
  assert.equal(incident.type, "Security breach");
  assert.equal(incident.assignee, "alice");
  assert.deepEqual(incident.custom_fields, { customer_tier: "gold" });

  const plain = await run(
    "incident",
    "declare",
    "--title",
    "Silver slow",
    "--severity",
    "SEV3",
    "--field",
    "customer_tier=silver",
    "--json",
  );
  assert.equal(plain.code, 0, plain.stderr);
  const plainId = (JSON.parse(plain.stdout) as { id: string }).id;

  const edited = await run(
    "incident",
    "edit",
    plainId,
    "--field",
    "orders_lost=120",
    "--clear-field",
    "customer_tier",
  );
  assert.equal(edited.code, 0, edited.stderr);
  const shown = await run("incident", "show", plainId);
  assert.match(shown.stdout, /orders_lost\s+120/);
  assert.doesNotMatch(shown.stdout, /^ +customer_tier +/m);
  assert.match(shown.stdout, /field.customer_tier silver → -/);

  const gold = await run("incident", "list", "--field", "customer_tier=gold", "--json");
  assert.deepEqual(
    (JSON.parse(gold.stdout) as { items: { id: string }[] }).items.map((i) => i.id),
    [incident.id],
  );
  const typed = await run(
    "incident",
    "list",
    "--type",
    "Security breach",
    "--field",
    "customer_tier=gold",
    "--json",
  );
  assert.deepEqual(
    (JSON.parse(typed.stdout) as { items: { id: string }[] }).items.map((i) => i.id),
    [incident.id],
  );
  const numeric = await run("incident", "list", "--field", "orders_lost=120.0", "--json");
  assert.deepEqual(
    (JSON.parse(numeric.stdout) as { items: { id: string }[] }).items.map((i) => i.id),
    [plainId],
  );

  const unknown = await run("incident", "list", "--field", "colour=red");
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /--field colour: no custom field "colour"; known fields: customer_tier, orders_lost/,
  );
  const badValue = await run(
    "incident",
    "declare",
    "--title",
    "x",
    "--severity",
    "SEV3",
    "--field",
    "customer_tier=tin",
  );
  assert.equal(badValue.code, 1);
  assert.match(badValue.stderr, /--field customer_tier: must be one of gold, silver, bronze/);
  assert.equal(badValue.stderr.trim().split("\n").length, 1, badValue.stderr);
  const noSeverity = await run("incident", "declare", "--title", "x");
  assert.equal(noSeverity.code, 2, "no --severity and no --type is a usage error");

  const refused = await run("field", "delete", "customer_tier");
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /in use.*--force/);
  const forced = await run("field", "delete", "customer_tier", "--force");
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /Deleted field customer_tier and its value on 1 incident/);

  const list = await run("incident-type", "list");
  assert.match(
    list.stdout,
    /Security breach\s+SEV1\s+auth\s+commander=alice, communications_lead=carol\s+2 task\(s\)/,
  );
  const updated = await run(
    "incident-type",
    "update",
    "security breach",
    "--severity",
    "none",
    "--builtin-checklist",
  );
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stdout, /Checklist\s+built-in triage checklist/);
  assert.equal((await run("incident-type", "delete", "Security breach")).code, 0);
  const gone = await run("incident-type", "show", "Security breach");
  assert.equal(gone.code, 3);
});
