// `foghorn token create NAME --scope`, `token list [--all]` and `token revoke ID` against a real server:
// the secret once, scopes, last use, and a revoked token refused at once.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv } from "./run-cli.ts";

let server: TestFoghorn;
before(async () => {
  server = await startTestFoghorn("pglite");
});
after(async () => {
  await server?.close();
});

test("token create NAME --scope prints the secret once; list shows scope and last use; revoke ends it", async () => {
  const env = serverEnv(server);
  const created = await cli(["token", "create", "grafana", "--scope", "ingest", "--expires-in-days", "30"], {
    env,
  });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Created token "grafana" for admin; it expires \d{4}-\d\d-\d\d\./);
  assert.match(
    created.stdout,
    /Scope ingest; id [0-9a-f-]{36} \(foghorn token revoke [0-9a-f-]{36} ends it\)\./,
  );
  const secret = /^\s+(fh_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1] ?? "";
  assert.ok(secret, created.stdout);

  const json = await cli(["token", "create", "ci", "--json"], { env });
  const ci = JSON.parse(json.stdout) as { id: string; token: string; scope: string };
  assert.equal(ci.scope, "write");
  assert.equal((await server.api("/api/v1/me", { token: ci.token })).status, 200);

  const list = await cli(["token", "list"], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /ID\s+NAME\s+SCOPE\s+PREFIX\s+CREATED\s+LAST USED\s+STATE/);
  assert.match(list.stdout, /grafana\s+ingest\s+fh_\S+…\s+.+\s+never\s+expires in/);
  assert.match(list.stdout, /ci\s+write\s+fh_\S+…\s+.+ ago\s+active/);
  assert.ok(!list.stdout.includes(secret) && !list.stdout.includes(ci.token), "no secrets in the list");
  const listed = JSON.parse((await cli(["token", "list", "--json"], { env })).stdout) as {
    items: { id: string; last_used_at: string | null }[];
  };
  assert.ok(listed.items.find((t) => t.id === ci.id)?.last_used_at);

  const revoked = await cli(["token", "revoke", ci.id], { env });
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(
    revoked.stdout,
    /Revoked token "ci" \(fh_\S+…\) of admin; requests with it are refused from now on\./,
  );
  assert.equal((await server.api("/api/v1/me", { token: ci.token })).status, 401);
  assert.match((await cli(["token", "list", "--all"], { env })).stdout, /admin\s+write\s+.*revoked/);
});

test("token commands teach: --help, a wrong scope, a missing NAME, an unknown id", async () => {
  const env = serverEnv(server);
  const help = await cli(["token", "create", "--help"], { env });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--scope SCOPE/);
  assert.match(help.stdout, /ingest \(only send alert events/);
  assert.match((await cli(["token", "--help"], { env })).stdout, /revoke/);
  const scope = await cli(["token", "create", "x", "--scope", "root"], { env });
  assert.equal(scope.code, 2);
  assert.match(scope.stderr, /--scope must be one of read, write, admin, ingest, got "root"/);
  const noName = await cli(["token", "create"], { env });
  assert.equal(noName.code, 2);
  assert.match(noName.stderr, /token create needs NAME/);
  const unknown = await cli(["token", "revoke", "00000000-0000-4000-8000-000000000000"], { env });
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /No API token has id/);
});
