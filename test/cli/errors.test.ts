// Failures: one readable line on stderr, and an exit code that says what kind of failure it was.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type CliResult, cli, serverEnv, tempDir } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

/** Exactly one line on stderr, starting with "foghorn: ", and nothing on stdout. */
function oneLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.equal(r.stdout, "");
  const [line = ""] = lines;
  assert.match(line, /^foghorn: /);
  return line;
}

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(() => server.close());

test("a validation error is one line naming the flag, exit 1", async () => {
  const r = await run("incident", "declare", "--title", "Bad", "--severity", "SEV9");
  assert.equal(r.code, 1);
  assert.match(oneLine(r), /--severity: must be one of SEV1, SEV2, SEV3, SEV4/);
});

test("unknown command, subcommand or flag: exit 2 with the fix", async () => {
  const command = await run("incidnet", "list");
  assert.equal(command.code, 2);
  assert.match(
    oneLine(command),
    /unknown command "incidnet"; did you mean "foghorn incident"\? run "foghorn help"/,
  );

  const sub = await run("incident", "lsit");
  assert.equal(sub.code, 2);
  assert.match(oneLine(sub), /has no subcommand "lsit"; did you mean "foghorn incident list"/);

  const flag = await run("incident", "list", "--stauts", "open");
  assert.equal(flag.code, 2);
  assert.match(oneLine(flag), /unknown flag --stauts for foghorn incident list; did you mean --status\? see/);

  const noValue = await run("incident", "list", "--limit");
  assert.equal(noValue.code, 2);
  assert.match(oneLine(noValue), /--limit needs a value: --limit N/);

  const group = await run("incident");
  assert.equal(group.code, 2);
  assert.match(
    oneLine(group),
    /foghorn incident needs a subcommand \(declare, .*\); e\.g\. foghorn incident/,
  );
});

test("missing arguments and flags: exit 2 with an example", async () => {
  const noId = await run("incident", "ack");
  assert.equal(noId.code, 2);
  assert.match(oneLine(noId), /foghorn incident ack needs INCIDENT; e\.g\. foghorn incident ack INC-7/);

  const noTitle = await run("incident", "declare", "--severity", "SEV2");
  assert.equal(noTitle.code, 2);
  assert.match(oneLine(noTitle), /needs --title; e\.g\. foghorn incident declare --title/);

  const extra = await run("incident", "ack", "INC-1", "INC-2");
  assert.equal(extra.code, 2);
  assert.match(oneLine(extra), /unexpected argument "INC-2"/);

  const nothing = await run("incident", "update", "INC-1");
  assert.equal(nothing.code, 2);
  assert.match(oneLine(nothing), /needs at least one change/);
});

test("an unknown incident is exit 3", async () => {
  const r = await run("incident", "show", "INC-999999");
  assert.equal(r.code, 3);
  assert.match(oneLine(r), /INC-999999 does not exist/);
});

test("a wrong token is exit 4 and names where the token came from; no token is exit 4 too", async () => {
  const wrong = await cli(["incident", "list"], { env: { ...env, FOGHORN_TOKEN: "fh_not-a-real-token" } });
  assert.equal(wrong.code, 4);
  assert.match(oneLine(wrong), /token is not valid.*\(the token came from env FOGHORN_TOKEN\)/);

  const none = await cli(["incident", "list"], { env: { FOGHORN_URL: server.url } });
  assert.equal(none.code, 4);
  assert.match(oneLine(none), /no API token: set FOGHORN_TOKEN, pass --token, or run "foghorn login"/);
});

test("an unreachable server is exit 5, naming the URL and how to start it", async () => {
  const r = await cli(["incident", "list"], {
    env: { FOGHORN_URL: "http://127.0.0.1:1", FOGHORN_TOKEN: "x" },
  });
  assert.equal(r.code, 5);
  const line = oneLine(r);
  assert.match(line, /cannot reach the Foghorn server at http:\/\/127\.0\.0\.1:1 /);
  assert.match(line, /URL from env FOGHORN_URL/);
  assert.match(line, /npm start/);
});

test("a broken timeline chain fails verify with exit 1 and one line", async () => {
  const declared = await run("incident", "declare", "--title", "Tampered", "--severity", "SEV4", "--json");
  const { id, number } = JSON.parse(declared.stdout) as { id: string; number: number };
  assert.equal((await run("incident", "note", id, "first")).code, 0);
  // The timeline table is append-only; pointing the incident's recorded head elsewhere is a break too.
  await server.database.db.execute(
    sql`update incidents set last_event_hash = ${"0".repeat(64)} where number = ${number}`,
  );
  const r = await run("incident", "verify", id);
  assert.equal(r.code, 1);
  assert.match(oneLine(r), new RegExp(`${id} timeline is broken at event #\\d+: .+`));
});

test("configuration problems are exit 78", async () => {
  const badPort = await cli(["serve"], {
    env: { PORT: "eighty" },
    serve: async () => assert.fail("must not start with a bad configuration"),
  });
  assert.equal(badPort.code, 78);
  assert.match(
    badPort.stderr,
    /^foghorn: Invalid Foghorn configuration \(1 problem\):\n {2}server\.port \(env PORT\)/,
  );

  const badUrl = await cli(["incident", "list"], { env: { FOGHORN_URL: "ftp://example.com" } });
  assert.equal(badUrl.code, 78);
  assert.match(oneLine(badUrl), /env FOGHORN_URL must be an http\(s\) URL/);

  const xdg = tempDir();
  mkdirSync(join(xdg, "foghorn"));
  writeFileSync(join(xdg, "foghorn", "cli.json"), "{not json");
  const damaged = await cli(["incident", "list"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(damaged.code, 78);
  assert.match(oneLine(damaged), /cli\.json is not valid JSON/);
});
