// The postmortem commands against a real server: write, review, publish and export, as a responder types it.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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

test("start → edit (flags and a YAML file) → submit → publish → list → export to a folder, refusing to overwrite", async () => {
  const declared = await run(
    "incident",
    "declare",
    "--title",
    "Checkout errors",
    "--severity",
    "SEV2",
    "--json",
  );
  const id = (JSON.parse(declared.stdout) as { id: string; created_at: string }).id;
  const date = (JSON.parse(declared.stdout) as { created_at: string }).created_at.slice(0, 10);

  const missing = await run("postmortem", "show", id);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, new RegExp(`foghorn postmortem start ${id}`));

  const started = await run("postmortem", "start", id);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, new RegExp(`Started the postmortem of ${id}`));

  const edited = await run(
    "postmortem",
    "edit",
    id,
    "--summary",
    "Checkout failed for 20 min",
    "--reviewer",
    "alice",
  );
  assert.equal(edited.code, 0, edited.stderr);
  const dir = tempDir();
  const file = join(dir, "sections.yaml");
  writeFileSync(
    file,
    "went_well: Rollback took one minute\nfive_whys:\n  - Why did checkout fail? → Because the DB pool was exhausted.\n",
  );
  assert.equal((await run("postmortem", "edit", id, "--file", file)).code, 0);
  const bad = await run("postmortem", "edit", id, "--file", join(dir, "nope.yaml"));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot read --file/);

  const shown = await run("postmortem", "show", id);
  assert.match(shown.stdout, /## Summary\n\nCheckout failed for 20 min/);
  assert.match(shown.stdout, /1\. Why did checkout fail\? → Because the DB pool was exhausted\./);
  assert.match(shown.stdout, /\*\*Reviewers:\*\* @alice/);

  assert.equal((await run("postmortem", "submit", id)).code, 0);
  const early = await run("postmortem", "publish", id);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /resolve it before publishing/);
  assert.equal((await run("incident", "status", id, "resolved")).code, 0);
  const published = await run("postmortem", "publish", id);
  assert.equal(published.code, 0, published.stderr);
  const incident = JSON.parse((await run("incident", "show", id, "--json")).stdout) as { status: string };
  assert.equal(incident.status, "postmortem");

  const list = await run("postmortem", "list", "--status", "published");
  assert.match(list.stdout, new RegExp(`^${id}\\s+SEV2\\s+published`, "m"));

  const exported = await run("postmortem", "export", id, "-o", dir);
  assert.equal(exported.code, 0, exported.stderr);
  const path = join(dir, `postmortem-${date}.md`);
  assert.equal(exported.stdout.trim(), path);
  assert.ok(existsSync(path));
  assert.match(readFileSync(path, "utf8"), /^# Postmortem — \[SEV2\] Checkout errors\n/);
  const again = await run("postmortem", "export", id, "-o", dir);
  assert.equal(again.code, 1);
  assert.equal(again.stderr.trim().split("\n").length, 1, again.stderr);
  assert.match(again.stderr, /already exists; pass --force/);
  assert.equal((await run("postmortem", "export", id, "-o", dir, "--force")).code, 0);
  const stdout = await run("postmortem", "export", id, "-o", "-");
  assert.match(stdout.stdout, /Postmortems are blameless\. Fix the system, not the person\.\n$/);
});
