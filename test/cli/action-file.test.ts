// `foghorn incident action file` against a real server that files to a local GitHub: a line per item, each
// item filed once, a second run says there is nothing to file, and without GitHub a readable refusal.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv } from "./run-cli.ts";

let github: FakeGitHub;
let server: TestFoghorn;
let plain: TestFoghorn;

before(async () => {
  github = await startFakeGitHub();
  server = await startTestFoghorn("pglite", {
    env: { GITHUB_TOKEN: github.token, GITHUB_REPOSITORY: github.repository, GITHUB_API_URL: github.url },
  });
  plain = await startTestFoghorn("pglite");
});
after(async () => {
  await server?.close();
  await plain?.close();
  await github?.close();
});

async function incidentWithItems(on: TestFoghorn, titles: string[]): Promise<string> {
  const env = serverEnv(on);
  const declared = await cli(
    ["incident", "declare", "--title", "Bulk export timeouts", "--severity", "SEV2", "--json"],
    { env },
  );
  const id = (JSON.parse(declared.stdout) as { id: string }).id;
  for (const title of titles)
    assert.equal((await cli(["incident", "action", "add", id, title, "--owner", "bob"], { env })).code, 0);
  return id;
}

test("action file: dry run, then each item filed once with its issue link; a second run files nothing", async () => {
  const env = serverEnv(server);
  const id = await incidentWithItems(server, [
    "Add index to exports on user_id",
    "Add a load test",
    "Write a runbook",
  ]);
  const dry = await cli(["incident", "action", "file", id, "--dry-run"], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout.match(/^would file /gm)?.length, 3);
  assert.match(dry.stdout, /Dry run: would file 3 issue\(s\) in acme\/api\./);

  const one = await cli(["incident", "action", "file", id, "1"], { env });
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^filed acme\/api#\d+ Add index to exports on user_id → http/m);
  assert.match(one.stdout, /1 filed, 0 linked, 0 already filed \(acme\/api\)\./);

  const rest = await cli(["incident", "action", "file", id], { env });
  assert.equal(rest.code, 0, rest.stderr);
  assert.equal(rest.stdout.match(/^filed acme\/api#\d+ /gm)?.length, 2);
  assert.doesNotMatch(rest.stdout, /Add index to exports/);

  const again = await cli(["incident", "action", "file", id], { env });
  assert.match(
    again.stdout,
    new RegExp(`Nothing to file: every open action item of ${id} is filed already\\.`),
  );
  const named = await cli(["incident", "action", "file", id, "1"], { env });
  assert.match(named.stdout, /^skipped Add index to exports on user_id: already filed as acme\/api#\d+$/m);
  assert.equal(github.requestsTo(`POST /repos/${github.repository}/issues`).length, 3);
  const shown = await cli(["incident", "show", id], { env });
  assert.equal(shown.stdout.match(/ #\d+ +(Add index|Add a load|Write a runbook)/g)?.length, 3, shown.stdout);
});

test("action file without GitHub configured: one line saying what to set, exit 1", async () => {
  const id = await incidentWithItems(plain, ["Add an index"]);
  const r = await cli(["incident", "action", "file", id], { env: serverEnv(plain) });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /GitHub is not configured: set GITHUB_TOKEN and GITHUB_REPOSITORY \(docs\/backlog\.md\)/,
  );
});
