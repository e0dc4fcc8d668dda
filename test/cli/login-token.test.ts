// `foghorn login` saves the URL and token (0600), later commands use them; `token create` through the API.
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv, tempDir } from "./run-cli.ts";

let server: TestFoghorn;

before(async () => {
  server = await startTestFoghorn("pglite");
});
after(() => server.close());

test("login verifies the token, writes cli.json with mode 0600, and later commands use it", async () => {
  const xdg = tempDir();
  const r = await cli(["login", "--url", server.url, "--token", server.token], {
    env: { XDG_CONFIG_HOME: xdg },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Logged in to http:\/\/\S+ as admin \(admin\)/);
  const file = join(xdg, "foghorn", "cli.json");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { url: server.url, token: server.token });

  const list = await cli(["incident", "list"], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(list.code, 0, list.stderr);

  // The environment wins over the saved login.
  const overridden = await cli(["incident", "list"], {
    env: { XDG_CONFIG_HOME: xdg, FOGHORN_TOKEN: "fh_wrong" },
  });
  assert.equal(overridden.code, 4);
});

test("login reads the token from piped standard input", async () => {
  const xdg = tempDir();
  const r = await cli(["login", "--url", server.url, "--json"], {
    env: { XDG_CONFIG_HOME: xdg },
    stdin: `${server.token}\n`,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    url: server.url,
    username: "admin",
    role: "admin",
    file: join(xdg, "foghorn", "cli.json"),
  });
});

test("login with a wrong token saves nothing (exit 4); without any token it is a usage error", async () => {
  const xdg = tempDir();
  const wrong = await cli(["login", "--url", server.url, "--token", "fh_wrong"], {
    env: { XDG_CONFIG_HOME: xdg },
  });
  assert.equal(wrong.code, 4);
  assert.equal(existsSync(join(xdg, "foghorn", "cli.json")), false);

  const none = await cli(["login", "--url", server.url], { env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^foghorn: login needs a token: foghorn login --token/);
});

test("token create through the API prints the secret once with an export hint, and the token works", async () => {
  const r = await cli(["token", "create", "--name", "ci", "--expires-in-days", "90"], {
    env: serverEnv(server),
  });
  assert.equal(r.code, 0, r.stderr);
  const secret = /export FOGHORN_TOKEN=(fh_\S+)/.exec(r.stdout)?.[1] ?? "";
  assert.match(secret, /^fh_[\w-]{43}$/);
  assert.match(r.stdout, /Created token "ci" for admin; it expires \d{4}-\d{2}-\d{2}\./);

  const me = await cli(["incident", "list"], { env: { FOGHORN_URL: server.url, FOGHORN_TOKEN: secret } });
  assert.equal(me.code, 0, me.stderr);

  const json = await cli(["token", "create", "--name", "ci-json", "--json"], { env: serverEnv(server) });
  assert.equal((JSON.parse(json.stdout) as { name: string }).name, "ci-json");

  const badDays = await cli(["token", "create", "--name", "x", "--expires-in-days", "soon"], {
    env: serverEnv(server),
  });
  assert.equal(badDays.code, 2);
  assert.match(badDays.stderr, /--expires-in-days must be a whole number/);

  const noUser = await cli(["token", "create", "--name", "x", "--user", "nobody"], {
    env: serverEnv(server),
  });
  assert.equal(noUser.code, 3);
  assert.match(noUser.stderr, /User "nobody" does not exist/);
});

test("demo through the API lists the loaded incidents and the next step", async () => {
  const r = await cli(["demo"], { env: serverEnv(server) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Loaded 3 demo incidents: INC-\d+, INC-\d+, INC-\d+$/m);
  assert.match(r.stdout, /Next: foghorn incident list/);
  const again = await cli(["demo", "--json"], { env: serverEnv(server) });
  assert.equal((JSON.parse(again.stdout) as { loaded: boolean }).loaded, false);
});
