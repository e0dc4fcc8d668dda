// Runbooks and "check affected services" from the CLI against a real server.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv, tempDir } from "./run-cli.ts";

const SAMPLES = new URL("../../docs/runbooks/", import.meta.url).pathname;

let server: TestFoghorn;
let health: Server;
let healthUrl: string;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
  health = createServer((req, res) => res.writeHead(req.url === "/ok" ? 200 : 503).end());
  await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
});
after(async () => {
  health?.close();
  await server?.close();
});

test("runbook import of the sample folder: a line per file, a summary, then unchanged on a re-run", async () => {
  const folder = tempDir("runbooks-");
  for (const f of ["checkout-runbook.md", "payments-runbook.md", "search-runbook.md"])
    copyFileSync(join(SAMPLES, f), join(folder, f));
  writeFileSync(join(folder, "README.md"), "# Our runbooks\n");
  writeFileSync(join(folder, "diagram.png"), "not text");

  const dry = await run("runbook", "import", folder, "--dry-run");
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would be created\s+checkout-runbook\.md → checkout \(new service\)/);
  assert.match(dry.stdout, /Dry run, nothing saved: 3 created, 0 updated, 0 unchanged, 2 skipped/);
  assert.equal((await run("runbook", "list", "--json")).stdout.includes("checkout"), false);

  const first = await run("runbook", "import", folder);
  assert.equal(first.code, 0, first.stderr);
  const lines = first.stdout.trimEnd().split("\n");
  assert.deepEqual(
    lines.map((l) => l.split(/\s+/)[0]),
    ["created", "skipped", "created", "skipped", "created", "3"],
  );
  assert.match(first.stdout, /skipped\s+README\.md: not a runbook: the name must be <service>-runbook\.md/);
  assert.match(first.stdout, /skipped\s+diagram\.png: not a markdown file/);
  assert.match(first.stdout, /created\s+payments-runbook\.md → payments v1 \(new service\)/);
  assert.match(lines.at(-1) ?? "", /^3 created, 0 updated, 0 unchanged, 2 skipped \(/);

  writeFileSync(
    join(folder, "search-runbook.md"),
    `${readFileSync(join(SAMPLES, "search-runbook.md"), "utf8")}\nMore.\n`,
  );
  const again = await run("runbook", "import", folder, "--json");
  const report = JSON.parse(again.stdout) as { summary: Record<string, number> };
  assert.deepEqual(report.summary, { created: 0, updated: 1, unchanged: 2, skipped: 2, warnings: 0 });
});

test("a missing folder is one readable line and a non-zero exit", async () => {
  const r = await run("runbook", "import", "/no/such/folder");
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "foghorn: runbook import: cannot read /no/such/folder: no such folder\n");
});

test("runbook list, show, set with warnings, history, show --version, restore", async () => {
  const folder = tempDir("rb-");
  copyFileSync(join(SAMPLES, "checkout-runbook.md"), join(folder, "checkout-runbook.md"));
  await run("runbook", "import", folder);

  const list = await run("runbook", "list");
  assert.match(list.stdout, /^SERVICE\s+TITLE\s+VERSION/);
  assert.match(list.stdout, /\ncheckout\s+checkout\s+v1\s/);

  const show = await run("runbook", "show", "checkout");
  assert.equal(show.stdout, readFileSync(join(SAMPLES, "checkout-runbook.md"), "utf8"));

  const edited = join(folder, "edited.md");
  writeFileSync(edited, "# Runbook: checkout\n\nCall Nina.\n");
  const set = await run("runbook", "set", "checkout", "--file", edited, "--expected-version", "1");
  assert.equal(set.code, 0, set.stderr);
  assert.match(
    set.stdout,
    /^Saved the runbook of checkout: version 2\.\n {2}warning: Missing section "## Service Overview"/,
  );
  const stale = await run("runbook", "set", "checkout", "--file", edited, "--expected-version", "1");
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /^foghorn: The runbook of checkout changed since you opened version 1/);

  const history = await run("runbook", "history", "checkout");
  assert.match(history.stdout, /\nv2 \(current\)\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+admin\s+checkout\s+32\n/);
  assert.match(history.stdout, /\nv1\s/);
  const old = await run("runbook", "show", "checkout", "--version", "1");
  assert.equal(old.stdout, readFileSync(join(SAMPLES, "checkout-runbook.md"), "utf8"));
  const restored = await run("runbook", "restore", "checkout", "--version", "1");
  assert.equal(restored.stdout, "Restored version 1 of checkout's runbook as version 3.\n");

  const none = await run("runbook", "show", "nonexistent-service");
  assert.equal(none.code, 3);
  const template = await run("runbook", "template", "billing");
  assert.match(template.stdout, /^# Runbook: billing\n\n## Service Overview/);
});

test("incident check-services prints each result and attaches it as evidence", async () => {
  const declared = await run(
    "incident",
    "declare",
    "--title",
    "Storefront errors",
    "--severity",
    "SEV2",
    "--service",
    "storefront",
    "--service",
    "cart",
    "--service",
    "wishlist",
    "--json",
  );
  const id = (JSON.parse(declared.stdout) as { id: string }).id;
  await run("check", "add", "--service", "storefront", "--name", "api", "--url", `${healthUrl}/ok`);
  await run("check", "add", "--service", "cart", "--name", "api", "--url", `${healthUrl}/down`);
  const r = await run("incident", "check-services", id);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /✗ cart \/ api: down: expected status 2xx, got 503 \(\d+ ms\)/);
  assert.match(r.stdout, /✓ storefront \/ api: healthy, 200 in \d+ ms/);
  assert.match(r.stdout, /- wishlist: no health checks configured/);
  assert.match(
    r.stdout,
    /2 checks: 1 healthy, 1 failing; 1 service without checks\. Attached to INC-\d+ as evidence\./,
  );
  const detail = JSON.parse((await run("incident", "show", id, "--json")).stdout) as {
    evidence: { kind: string }[];
  };
  assert.equal(detail.evidence.filter((e) => e.kind === "health_check").length, 2);
});
