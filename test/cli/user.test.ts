// foghorn user set-password: offline on the local storage, and through the API; the password comes from
// standard input here (a terminal is asked twice without echo).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { checkPassword } from "#app/auth/passwords.ts";
import { bootstrapAdmin } from "#app/auth/tokens.ts";
import { findUserByUsername } from "#store/auth.ts";
import { migrateDb, openDb } from "#store/db.ts";
import { systemClock } from "../../src/main.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv, tempDir } from "./run-cli.ts";

async function adminPasswordIs(dataDir: string, password: string): Promise<boolean> {
  const database = await openDb({ dataDir });
  try {
    const admin = await findUserByUsername(database.db, "admin");
    return admin?.passwordHash ? checkPassword(admin.passwordHash, password) : false;
  } finally {
    await database.close();
  }
}

describe("foghorn user set-password, offline (pglite folder)", () => {
  const dataDir = join(tempDir(), "data");
  // No token anywhere and nothing listening: the command uses the local storage.
  const env = { FOGHORN_DATA_DIR: dataDir, FOGHORN_URL: "http://127.0.0.1:1" };

  test("before the first start there is nothing to set", async () => {
    const r = await cli(["user", "set-password", "admin"], { env, stdin: "long enough password\n" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no Foghorn database in .* yet: start the server once/);
  });

  test("a piped password is set in local storage (one line, its newline dropped)", async () => {
    const database = await openDb({ dataDir });
    try {
      await migrateDb(database);
      await bootstrapAdmin(database.db, systemClock);
    } finally {
      await database.close();
    }
    const r = await cli(["user", "set-password", "admin"], { env, stdin: "the offline password\n" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Password set for admin \(offline, in local storage\)\.$/m);
    assert.ok(await adminPasswordIs(dataDir, "the offline password"));

    const json = await cli(["user", "set-password", "admin", "--json"], { env, stdin: "second password!!" });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { username: "admin", sessions_ended: 0, offline: true });
    assert.ok(await adminPasswordIs(dataDir, "second password!!"));
  });

  test("a short, missing or two-line password changes nothing; an unknown user is exit 3", async () => {
    const short = await cli(["user", "set-password", "admin"], { env, stdin: "short\n" });
    assert.equal(short.code, 1);
    assert.equal(short.stderr, "foghorn: the password must be at least 12 characters; nothing was changed\n");
    const none = await cli(["user", "set-password", "admin"], { env, stdin: "" });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no password: type it when asked/);
    const twice = await cli(["user", "set-password", "admin"], {
      env,
      stdin: "long enough password\nlong enough password\n",
    });
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /more than one line; pipe the password alone/);
    const missingArg = await cli(["user", "set-password"], { env, stdin: "long enough password" });
    assert.equal(missingArg.code, 2);
    const unknown = await cli(["user", "set-password", "nobody"], { env, stdin: "long enough password" });
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /User "nobody" does not exist/);
    assert.ok(await adminPasswordIs(dataDir, "second password!!"), "unchanged");
  });
});

describe("foghorn user set-password, through the API (pglite)", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite");
  });
  after(async () => {
    await foghorn?.close();
  });

  test("an admin sets a password on the server; the web sign-in takes it", async () => {
    const r = await cli(["user", "set-password", "admin"], {
      env: serverEnv(foghorn),
      stdin: "set through the api\n",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Password set for admin\.$/m);
    assert.match(r.stdout, new RegExp(`sign in to the web UI at ${foghorn.url} as admin`));
    const signIn = await foghorn.api("/api/v1/session", {
      token: null,
      body: { username: "admin", password: "set through the api" },
    });
    assert.equal(signIn.status, 200);
    await signIn.arrayBuffer();

    const unknown = await cli(["user", "set-password", "nobody"], {
      env: serverEnv(foghorn),
      stdin: "set through the api\n",
    });
    assert.equal(unknown.code, 3);
    const badToken = await cli(["user", "set-password", "admin"], {
      env: { ...serverEnv(foghorn), FOGHORN_TOKEN: "fh_not-a-real-token-000000000000000000000000" },
      stdin: "set through the api\n",
    });
    assert.equal(badToken.code, 4);
  });
});
