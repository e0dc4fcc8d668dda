// `foghorn status subscriber` against a real server: add (the webhook secret printed once), list, refuse
// email without SMTP, enable a disabled one, remove.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv } from "./run-cli.ts";

let server: TestFoghorn;
let env: Record<string, string>;
const run = (...argv: string[]) => cli(argv, { env });

before(async () => {
  server = await startTestFoghorn("pglite");
  env = serverEnv(server);
});
after(async () => {
  await server?.close();
});

test("add a webhook and a Slack channel for a component, list, enable after failures, remove", async () => {
  const api = uniqueName("API");
  const created = await server.api("/api/v1/status-page/components", { body: { name: api } });
  assert.equal(created.status, 201, await created.clone().text());
  const component = (await created.json()) as { id: string };

  const url = `https://ops.example.com/hooks/${uniqueName("status")}`;
  const add = await run("status", "subscriber", "add", "webhook", url, "--contact", "ops@example.com");
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, new RegExp(`Added webhook subscriber ${url} \\(active\\)`));
  assert.match(add.stdout, /signing secret \(shown once/);
  assert.match(add.stdout, /^ {4}[A-Za-z0-9_-]{43}$/m);

  const slack = await run(
    "status",
    "subscriber",
    "add",
    "slack",
    `https://hooks.slack.com/services/${uniqueName("T")}/B/x`,
    "--component",
    api.toLowerCase(),
    "--json",
  );
  assert.equal(slack.code, 0, slack.stderr);
  assert.deepEqual((JSON.parse(slack.stdout) as { component_ids: string[] }).component_ids, [component.id]);

  const noSmtp = await run("status", "subscriber", "add", "email", "alice@example.com");
  assert.equal(noSmtp.code, 1);
  assert.match(noSmtp.stderr, /SMTP server.*email\.host/);
  const badComponent = await run("status", "subscriber", "add", "webhook", url, "--component", "nope");
  assert.equal(badComponent.code, 2);
  assert.match(badComponent.stderr, /no status page component "nope"/);

  const list = await run("status", "subscriber", "list");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /ID\s+KIND\s+TARGET\s+COMPONENTS\s+STATE\s+FAILURES\s+LAST ERROR/);
  // The URL may hold a key: lists show its host and mask the rest.
  assert.ok(list.stdout.includes("https://ops.example.com/…"), list.stdout);
  assert.ok(!list.stdout.includes(url), "the full URL is not listed");

  const { id } = JSON.parse((await run("status", "subscriber", "add", "webhook", url)).stdout || "{}") as {
    id?: string;
  };
  assert.equal(id, undefined, "the same URL twice is refused");
  const [sub] = (
    (await (
      await server.api(`/api/v1/status-page/subscribers?target=${encodeURIComponent(url)}`)
    ).json()) as { subscribers: { id: string }[] }
  ).subscribers;
  assert.ok(sub, "found by its full URL");
  await server.database.db.execute(
    sql`update status_subscribers set disabled_at = now(), consecutive_failures = 3, last_error = 'HTTP 500'
        where id = ${sub.id}`,
  );
  const disabled = await run("status", "subscriber", "list", "--state", "disabled", "--json");
  const rows = (JSON.parse(disabled.stdout) as { subscribers: { id: string; state: string }[] }).subscribers;
  assert.deepEqual(
    rows.map((s) => [s.id, s.state]),
    [[sub.id, "disabled"]],
  );
  const enable = await run("status", "subscriber", "enable", url);
  assert.equal(enable.code, 0, enable.stderr);
  assert.match(enable.stdout, /Re-enabled webhook subscriber .* it is active\./);

  const remove = await run("status", "subscriber", "remove", url);
  assert.equal(remove.code, 0, remove.stderr);
  assert.match(remove.stdout, /Removed webhook subscriber/);
  const gone = await run("status", "subscriber", "enable", url);
  assert.equal(gone.code, 3);
  assert.match(gone.stderr, /no status page subscriber/);

  const help = await run("status", "subscriber", "add", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--skip-confirmation/);
  assert.match(help.stdout, /foghorn status subscriber add webhook/);
});
