import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DAY, ManualClock, SECOND } from "#domain/time.ts";
import { findUserByUsername, insertUser } from "#store/auth.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, expectAppError, T0, uniqueName, userActor } from "../../../test/helpers/factories.ts";
import { checkPassword, hashPassword, setPassword, verifyPassword } from "./passwords.ts";
import { csrfTokenMatches, login, logout, SESSION_TTL_MS, SessionAuthenticator } from "./sessions.ts";
import { completeSetup, createSetupToken, SETUP_LINK_TTL_MS } from "./setup.ts";
import { bootstrapAdmin } from "./tokens.ts";

const PASSWORD = "correct horse battery staple";

test("passwords are argon2id PHC strings that verify only the same password", async () => {
  const hash = await hashPassword(PASSWORD);
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  assert.notEqual(await hashPassword(PASSWORD), hash, "salted");
  assert.equal(await verifyPassword(hash, PASSWORD), true);
  assert.equal(await verifyPassword(hash, `${PASSWORD}!`), false);
  assert.equal(await verifyPassword("not a hash", PASSWORD), false);
});

test("an unknown user's password is checked against a dummy hash (the same work as a real check)", async () => {
  await checkPassword(null, "warm up the dummy hash");
  const started = performance.now();
  assert.equal(await checkPassword(undefined, PASSWORD), false);
  // argon2id with 19 MiB cannot finish this fast; an early return would.
  assert.ok(performance.now() - started > 5, "a real argon2 verification ran");
});

for (const backend of await testBackends()) {
  describe(`passwords, sessions and setup links (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    const clock = new ManualClock(T0);
    const ctx = () => appContext(database.db, { clock, actor: userActor("admin", "admin") });
    let bob = "";
    before(async () => {
      database = await openTestDb(backend.kind);
      await bootstrapAdmin(database.db, clock, undefined, PASSWORD);
      bob = uniqueName("bob");
      await insertUser(database.db, {
        id: randomUUID(),
        username: bob,
        role: "responder",
        createdAt: clock.now(),
        passwordHash: await hashPassword(PASSWORD),
      });
    });
    after(async () => {
      await database?.close();
    });

    test("FOGHORN_BOOTSTRAP_PASSWORD becomes the admin's password; no setup link then", async () => {
      const other = await openTestDb(backend.kind);
      try {
        const boot = await bootstrapAdmin(other.db, clock, undefined, PASSWORD);
        assert.equal(boot.created, true);
        assert.equal(boot.setupToken, undefined);
        const admin = await findUserByUsername(other.db, "admin");
        assert.equal(await checkPassword(admin?.passwordHash, PASSWORD), true);
        const without = await openTestDb(backend.kind);
        try {
          const linked = await bootstrapAdmin(without.db, clock);
          assert.match(linked.setupToken ?? "", /^[A-Za-z0-9_-]{43}$/);
          assert.equal((await findUserByUsername(without.db, "admin"))?.passwordHash, null);
        } finally {
          await without.close();
        }
      } finally {
        await other.close();
      }
    });

    test("login: the right password starts a 14-day session; wrong ones get one message", async () => {
      const session = await login(ctx(), { username: "admin", password: PASSWORD });
      assert.equal(session.view.username, "admin");
      assert.equal(session.view.role, "admin");
      assert.equal(session.expiresAt.getTime(), clock.now().getTime() + SESSION_TTL_MS);
      assert.equal(SESSION_TTL_MS, 14 * DAY);
      const wrong = await expectAppError(
        login(ctx(), { username: "admin", password: "nope" }),
        "UNAUTHENTICATED",
      );
      const unknown = await expectAppError(
        login(ctx(), { username: "nobody", password: PASSWORD }),
        "UNAUTHENTICATED",
      );
      assert.equal(wrong.detail, "Wrong username or password");
      assert.equal(unknown.detail, wrong.detail);
      await expectAppError(
        login(ctx(), { username: "admin", password: PASSWORD, remember: true }),
        "INVALID_INPUT",
      );
    });

    test("the authenticator resolves a live session, and not an expired, ended or forged one", async () => {
      const auth = new SessionAuthenticator(database.db, clock);
      const session = await login(ctx(), { username: bob, password: PASSWORD });
      const found = await auth.authenticate(session.secret);
      assert.deepEqual(found?.actor.name, bob);
      assert.equal(found?.actor.role, "responder");
      assert.equal(found?.csrfToken, session.view.csrf_token);
      assert.equal(await auth.authenticate("forged"), undefined);
      assert.equal(
        await auth.authenticate(session.view.csrf_token),
        undefined,
        "the CSRF token is not a key",
      );

      assert.ok(found && csrfTokenMatches(found, session.view.csrf_token));
      assert.ok(found && !csrfTokenMatches(found, undefined));
      assert.ok(found && !csrfTokenMatches(found, session.view.csrf_token.slice(1)));

      const later = new ManualClock(clock.now());
      // No idle timeout here (it has its own test): only the 14-day limit.
      const lateAuth = new SessionAuthenticator(database.db, later, SESSION_TTL_MS * 2);
      later.advance(SESSION_TTL_MS - SECOND);
      assert.ok(await lateAuth.authenticate(session.secret));
      later.advance(SECOND);
      assert.equal(await lateAuth.authenticate(session.secret), undefined, "expired");

      await logout(ctx(), session.secret);
      assert.equal(await auth.authenticate(session.secret), undefined, "ended");
      await logout(ctx(), session.secret); // twice is harmless
      await logout(ctx(), undefined);
    });

    test("setPassword: admins for anyone, users for themselves; it ends the user's sessions", async () => {
      const asBob = appContext(database.db, { clock, actor: userActor(bob) });
      await expectAppError(setPassword(asBob, "admin", { password: "bob wants admin" }), "FORBIDDEN");
      const short = await expectAppError(setPassword(asBob, bob, { password: "short" }), "INVALID_INPUT");
      assert.deepEqual(short.fields, [{ field: "password", message: "must be at least 12 characters" }]);
      await expectAppError(setPassword(ctx(), "nobody", { password: "long enough pass" }), "NOT_FOUND");

      const auth = new SessionAuthenticator(database.db, clock);
      const session = await login(ctx(), { username: bob, password: PASSWORD });
      assert.deepEqual(await setPassword(asBob, bob, { password: "bob's own new one" }), {
        username: bob,
        sessions_ended: 1,
      });
      assert.equal(await auth.authenticate(session.secret), undefined);
      await login(ctx(), { username: bob, password: "bob's own new one" });
      const reset = await setPassword(ctx(), bob, { password: PASSWORD });
      assert.equal(reset.sessions_ended, 1);
      await login(ctx(), { username: bob, password: PASSWORD });
    });

    test("a setup token sets the password and signs in once, within 24 hours", async () => {
      const user = await findUserByUsername(database.db, bob);
      assert.ok(user);
      const token = await createSetupToken(database.db, clock.now(), user.id);
      const session = await completeSetup(ctx(), { token, password: "set up by link" });
      assert.equal(session.view.username, bob);
      assert.ok(await new SessionAuthenticator(database.db, clock).authenticate(session.secret));
      await expectAppError(
        completeSetup(ctx(), { token, password: "set up by link again" }),
        "UNAUTHENTICATED",
      );
      await login(ctx(), { username: bob, password: "set up by link" });

      const late = await createSetupToken(database.db, clock.now(), user.id);
      const after = appContext(database.db, {
        clock: new ManualClock(new Date(clock.now().getTime() + SETUP_LINK_TTL_MS)),
      });
      await expectAppError(
        completeSetup(after, { token: late, password: "too late for this" }),
        "UNAUTHENTICATED",
      );
      await expectAppError(
        completeSetup(ctx(), { token: "made-up", password: "made up token!" }),
        "UNAUTHENTICATED",
      );
      const bad = await expectAppError(completeSetup(ctx(), { token: "", password: "x" }), "INVALID_INPUT");
      assert.deepEqual(bad.fields.map((f) => f.field).sort(), ["password", "token"]);
      await setPassword(ctx(), bob, { password: PASSWORD });
    });
  });
}
