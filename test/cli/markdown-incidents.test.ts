// `foghorn import markdown` and `foghorn incident export --layout markdown` against a real server: a
// repository with seed 000's incident folder goes in once, and an incident comes back out as the same files.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseActionItems, parseIncidentMarkdown } from "#domain/backlog/markdown.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv, tempDir } from "./run-cli.ts";

const FOLDER = ".scraut/sprint/001/incidents/2026-05-24-api-timeout";
const FIXTURE = new URL("../fixtures/scraut/", import.meta.url).pathname;

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(() => server.close());

/** A git repository (a .git folder is enough) holding seed 000's example incident. */
function repository(): string {
  const repo = tempDir("foghorn-repo-");
  mkdirSync(join(repo, ".git"));
  cpSync(join(FIXTURE, ".scraut"), join(repo, ".scraut"), { recursive: true });
  return repo;
}

test("import markdown: seed 000's folder becomes one resolved incident; a second run creates nothing", async () => {
  const repo = repository();
  // From inside the .scraut folder: paths stay relative to the repository root.
  const first = await run("import", "markdown", join(repo, ".scraut"));
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    new RegExp(
      `^imported INC-\\d+ API Timeout on Bulk Requests \\[SEV2\\] \\(4 action items\\) ← ${FOLDER.replace(/\./g, "\\.")}$`,
      "m",
    ),
  );
  assert.match(first.stdout, /^1 imported, 0 already imported, 0 skipped\.$/m);
  const id = /imported (INC-\d+)/.exec(first.stdout)?.[1] ?? "";

  const second = await run("import", "markdown", repo);
  assert.equal(second.code, 0, second.stderr);
  assert.match(
    second.stdout,
    new RegExp(
      `^unchanged ${id} API Timeout on Bulk Requests: already imported from ${FOLDER.replace(/\./g, "\\.")}$`,
      "m",
    ),
  );
  assert.match(second.stdout, /^0 imported, 1 already imported, 0 skipped\.$/m);

  const shown = await run("incident", "show", id, "--json");
  const detail = JSON.parse(shown.stdout) as { status: string; action_items: unknown[] };
  assert.equal(detail.status, "resolved");
  assert.equal(detail.action_items.length, 4);
});

test("import markdown reports a malformed bullet as file:line and exits 1; the good items still go in", async () => {
  const repo = tempDir("foghorn-repo-");
  mkdirSync(join(repo, ".git"));
  const folder = join(repo, ".scraut/sprint/003/incidents/2026-07-01-dns-outage");
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "incident.md"),
    "# Incident: DNS outage — 2026-07-01\n\n**Severity:** Critical\n**Duration:** 10:00–10:20 UTC (20 minutes)\n**Impact:** Nothing resolved\n\n## Timeline\n- 10:00 — Paged\n\n## Root cause\nExpired zone.\n\n## Resolution\nRenewed.\n",
  );
  writeFileSync(
    join(folder, "action-items.md"),
    "# Action Items\n\n- Monitor zone expiry — Dana — p:high\n- — Bob — p:low\n",
  );
  const r = await run("import", "markdown", repo);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /imported INC-\d+ DNS outage \[SEV1\] \(1 action item\)/);
  assert.match(
    r.stderr,
    /\.scraut\/sprint\/003\/incidents\/2026-07-01-dns-outage\/action-items\.md:4: error: /,
  );
  const empty = await run("import", "markdown", tempDir());
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no incident\.md or action-items\.md under/);
});

test("incident export --layout markdown writes both files in the layout; they parse back; no overwrite without --force", async () => {
  const declared = await run(
    "incident",
    "declare",
    "--title",
    "Checkout errors",
    "--severity",
    "SEV1",
    "--json",
  );
  const { id, created_at } = JSON.parse(declared.stdout) as { id: string; created_at: string };
  assert.equal(
    (
      await run(
        "incident",
        "action",
        "add",
        id,
        "Add a circuit breaker",
        "--owner",
        "alice",
        "--priority",
        "high",
      )
    ).code,
    0,
  );
  const repo = tempDir("foghorn-export-");
  const r = await run("incident", "export", id, "--layout", "markdown", "--sprint", "2", "-o", repo);
  assert.equal(r.code, 0, r.stderr);
  const folder = join(repo, `.scraut/sprint/002/incidents/${created_at.slice(0, 10)}-checkout-errors`);
  assert.deepEqual(r.stdout.trim().split("\n"), [
    join(folder, "incident.md"),
    join(folder, "action-items.md"),
  ]);
  const incidentMd = readFileSync(join(folder, "incident.md"), "utf8");
  const parsed = parseIncidentMarkdown("incident.md", incidentMd).incident;
  assert.equal(parsed?.title, "Checkout errors");
  assert.equal(parsed?.severity, "Critical");
  const items = parseActionItems(
    "action-items.md",
    readFileSync(join(folder, "action-items.md"), "utf8"),
  ).items;
  assert.deepEqual(
    items.map((i) => [i.action, i.owner, i.priority]),
    [["Add a circuit breaker", "alice", "high"]],
  );

  const again = await run("incident", "export", id, "--sprint", "2", "-o", repo);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exist; pass --force to overwrite/);
  assert.equal((await run("incident", "export", id, "--sprint", "2", "-o", repo, "--force")).code, 0);
  const stdout = await run("incident", "export", id, "-o", "-");
  assert.match(stdout.stdout, /^# Incident: Checkout errors — \d{4}-\d{2}-\d{2}$/m);
  assert.ok(existsSync(folder));
  const wrong = await run("incident", "export", id, "--layout", "html");
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /--layout must be markdown/);
});
