import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { ManualClock, MINUTE, SECOND } from "#domain/time.ts";
import { insertUser } from "#store/auth.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, T0, uniqueName } from "../../../test/helpers/factories.ts";
import { hashPassword } from "./passwords.ts";
import { login, WRONG_CREDENTIALS } from "./sessions.ts";
import {
  countSignInAttempt,
  isKnownDevice,
  LoginThrottledError,
  rememberDevice,
  signInSucceeded,
  type ThrottlePolicy,
} from "./throttle.ts";

const POLICY: ThrottlePolicy = { windowMs: 15 * MINUTE, perIp: 6, perUserIp: 3, perUser: 4 };
const PASSWORD = "correct horse battery staple";

async function refused(promise: Promise<unknown>): Promise<LoginThrottledError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LoginThrottledError) return error;
    throw error;
  }
  assert.fail("expected the attempt to be throttled");
}

for (const backend of await testBackends()) {
  describe(`sign-in throttling (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("one address is refused after perIp attempts across accounts, until its window ends", async () => {
      const clock = new ManualClock(T0);
      const ip = `10.9.${Math.floor(Math.random() * 250)}.1`;
      for (let i = 0; i < POLICY.perIp; i++)
        await countSignInAttempt(
          database.db,
          clock.now(),
          { username: uniqueName("who"), ip, knownDevice: false },
          POLICY,
        );
      const error = await refused(
        countSignInAttempt(database.db, clock.now(), { username: "fresh", ip, knownDevice: false }, POLICY),
      );
      assert.equal(error.retryAfterSeconds, 15 * 60);
      assert.equal(error.firstRefusal, true);
      assert.match(error.detail, /try again in 15 minutes \(after 09:15 UTC\)/);
      clock.advance(5 * MINUTE);
      const again = await refused(
        countSignInAttempt(database.db, clock.now(), { username: "x", ip, knownDevice: false }, POLICY),
      );
      assert.equal(again.retryAfterSeconds, 10 * 60, "the window does not move with further attempts");
      assert.equal(again.firstRefusal, false);
      clock.advance(10 * MINUTE);
      await countSignInAttempt(database.db, clock.now(), { username: "x", ip, knownDevice: false }, POLICY);
    });

    test("a known device skips the per-account counter, a stranger does not; success takes an attempt back", async () => {
      const clock = new ManualClock(T0);
      const username = uniqueName("acct");
      const attempt = (ip: string, knownDevice = false) =>
        countSignInAttempt(database.db, clock.now(), { username, ip, knownDevice }, POLICY);
      for (const ip of ["10.8.0.1", "10.8.0.2"]) for (let i = 0; i < 2; i++) await attempt(ip);
      await refused(attempt("10.8.0.3"));
      const counted = await attempt("10.8.0.4", true);
      await signInSucceeded(database.db, clock.now(), counted, POLICY);
      const rows = await executeRows(
        database.db,
        sql`select key, failures from login_throttle where key like ${`%${username}%`}`,
      );
      assert.deepEqual(
        rows.map((r) => [String(r.key), Number(r.failures)]).sort(),
        [
          [`user-ip:${username} 10.8.0.1`, 2],
          [`user-ip:${username} 10.8.0.2`, 2],
          [`user-ip:${username} 10.8.0.3`, 1],
          [`user:${username}`, 5],
        ],
        "the known device's user-ip counter is cleared and it never touched the per-account one",
      );
    });

    test("devices: remembered per user, recognised only for that user", async () => {
      const clock = new ManualClock(T0);
      const a = randomUUID();
      const b = randomUUID();
      for (const id of [a, b])
        await insertUser(database.db, {
          id,
          username: uniqueName("dev"),
          role: "responder",
          createdAt: clock.now(),
        });
      const device = await rememberDevice(database.db, clock.now(), a, undefined);
      assert.match(device.secret, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(await isKnownDevice(database.db, device.secret, a), true);
      assert.equal(await isKnownDevice(database.db, device.secret, b), false);
      assert.equal(await isKnownDevice(database.db, "forged", a), false);
      assert.equal(await isKnownDevice(database.db, undefined, a), false);
      clock.advance(SECOND);
      assert.equal((await rememberDevice(database.db, clock.now(), a, device.secret)).secret, device.secret);
      const forB = await rememberDevice(database.db, clock.now(), b, device.secret);
      assert.notEqual(
        forB.secret,
        device.secret,
        "signing in as someone else gives the browser a new cookie",
      );
      const stored = JSON.stringify(await executeRows(database.db, sql`select * from login_devices`));
      assert.ok(!stored.includes(device.secret), "only the hash is stored");
    });

    test("login: throttled before the password is checked, the crossing attempt audited once", async () => {
      const clock = new ManualClock(T0);
      const ctx = appContext(database.db, { clock });
      const policy = { ...POLICY, perUser: 10 };
      const username = uniqueName("carol");
      await insertUser(database.db, {
        id: randomUUID(),
        username,
        role: "responder",
        createdAt: clock.now(),
        passwordHash: await hashPassword(PASSWORD),
      });
      const client = { ip: "10.7.0.1", requestId: "req-1" };
      for (let i = 0; i < POLICY.perUserIp; i++)
        await assert.rejects(login(ctx, { username, password: "wrong guess!" }, client, policy), {
          detail: WRONG_CREDENTIALS,
        });
      await refused(login(ctx, { username, password: PASSWORD }, client, policy));
      await refused(login(ctx, { username, password: PASSWORD }, client, policy));
      const signedIn = await login(ctx, { username, password: PASSWORD }, { ip: "10.7.0.2" }, policy);
      assert.equal(signedIn.view.username, username);
      const audit = await executeRows(
        database.db,
        sql`select action, actor_name, actor_id, ip, request_id, after from audit_log where target_id = ${username} order by id`,
      );
      assert.deepEqual(
        audit.map((r) => [r.action, (r.after as { reason?: string }).reason ?? null]),
        [
          ...Array.from({ length: POLICY.perUserIp }, () => ["session.sign_in_failed", "wrong_credentials"]),
          ["session.sign_in_failed", "throttled"],
          ["session.sign_in", null],
        ],
      );
      assert.equal(audit[0]?.actor_name, username);
      assert.equal(audit[0]?.actor_id, null);
      assert.equal(audit[0]?.ip, "10.7.0.1");
      assert.equal(audit[0]?.request_id, "req-1");
      assert.ok(!JSON.stringify(audit).includes("wrong guess"), "never the password");
      assert.ok(!JSON.stringify(audit).includes(PASSWORD));
    });
  });
}
