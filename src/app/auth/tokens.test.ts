import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { DAY, ManualClock } from "#domain/time.ts";
import { countUsers, findUserByUsername, insertUser } from "#store/auth.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, expectAppError, T0, uniqueName } from "../../../test/helpers/factories.ts";
import {
  type BootstrapResult,
  bootstrapAdmin,
  createToken,
  hashToken,
  TOKEN_PREFIX,
  TokenAuthenticator,
} from "./tokens.ts";

const SUPPLIED = "fh_supplied-bootstrap-token-0123456789abcdef";

for (const backend of await testBackends()) {
  describe(`API tokens (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let bootstrapped: BootstrapResult;
    const bootClock = new ManualClock(T0);
    before(async () => {
      database = await openTestDb(backend.kind);
      // First start on an empty database; the tests below look at what it left behind.
      bootstrapped = await bootstrapAdmin(database.db, bootClock);
    });
    after(async () => {
      await database?.close();
    });

    test("bootstrapAdmin on an empty database creates the admin with a token that works, once", async () => {
      assert.equal(bootstrapped.created, true);
      assert.ok(bootstrapped.token?.startsWith(TOKEN_PREFIX));
      assert.match(bootstrapped.token ?? "", /^fh_[A-Za-z0-9_-]{43}$/);
      const admin = await findUserByUsername(database.db, "admin");
      assert.equal(admin?.role, "admin");
      const auth = new TokenAuthenticator(database.db, bootClock);
      assert.deepEqual(await auth.authenticate(bootstrapped.token ?? ""), {
        kind: "user",
        name: "admin",
        userId: admin?.id,
        role: "admin",
        scope: "admin",
        teamIds: [],
      });

      const users = await countUsers(database.db);
      assert.deepEqual(await bootstrapAdmin(database.db, bootClock, SUPPLIED), { created: false });
      assert.equal(await countUsers(database.db), users);
      assert.equal(await auth.authenticate(SUPPLIED), undefined, "the second call created no token");
      const stored = JSON.stringify(
        await database.db.execute(sql`select token_hash, prefix from api_tokens`),
      );
      assert.ok(!stored.includes(bootstrapped.token ?? "-"), "the secret itself is not stored");
      assert.ok(stored.includes(hashToken(bootstrapped.token ?? "")));
    });

    test("the authenticator refuses unknown, expired and revoked tokens", async () => {
      const clock = new ManualClock(T0);
      const username = uniqueName("ops");
      await insertUser(database.db, {
        id: randomUUID(),
        username,
        role: "responder",
        createdAt: clock.now(),
      });
      const ctx = {
        ...appContext(database.db, { clock }),
        actor: { kind: "user" as const, name: username, role: "responder" },
      };
      const shortLived = await createToken(ctx, { name: "ci", expires_in_days: 1 });
      assert.equal(shortLived.username, username);
      assert.equal(shortLived.expires_at, new Date(Date.parse(T0) + DAY).toISOString());
      const lasting = await createToken(ctx, { name: "laptop" });
      assert.equal(lasting.expires_at, null);

      const auth = new TokenAuthenticator(database.db, clock);
      assert.equal((await auth.authenticate(shortLived.token))?.name, username);
      assert.equal(await auth.authenticate(`${shortLived.token}x`), undefined);
      assert.equal(await auth.authenticate("fh_unknown"), undefined);
      assert.equal(await auth.authenticate(""), undefined);

      clock.advance(DAY - 1);
      assert.equal(
        (await auth.authenticate(shortLived.token))?.name,
        username,
        "valid until the last millisecond",
      );
      clock.advance(1);
      assert.equal(
        await auth.authenticate(shortLived.token),
        undefined,
        "expired, even though it was cached",
      );
      assert.equal(
        await new TokenAuthenticator(database.db, clock).authenticate(shortLived.token),
        undefined,
      );
      assert.equal((await auth.authenticate(lasting.token))?.name, username);

      await database.db.execute(
        sql`update api_tokens set revoked_at = ${clock.now().toISOString()}::timestamptz where token_hash = ${hashToken(lasting.token)}`,
      );
      assert.equal(await new TokenAuthenticator(database.db, clock).authenticate(lasting.token), undefined);
      assert.equal(
        await auth.authenticate(lasting.token),
        undefined,
        "a revocation reaches an authenticator that saw the token a moment ago, at once (no cache)",
      );
    });

    test("only an admin may create tokens for someone else; unknown users are NOT_FOUND", async () => {
      const clock = new ManualClock(T0);
      const a = uniqueName("a");
      const b = uniqueName("b");
      for (const username of [a, b]) {
        await insertUser(database.db, {
          id: randomUUID(),
          username,
          role: "responder",
          createdAt: clock.now(),
        });
      }
      const asA = {
        ...appContext(database.db, { clock }),
        actor: { kind: "user" as const, name: a, role: "responder" },
      };
      await expectAppError(createToken(asA, { name: "sneaky", username: b }), "FORBIDDEN");
      const asAdmin = { ...asA, actor: { kind: "user" as const, name: "root", role: "admin" } };
      const forB = await createToken(asAdmin, { name: "for-b", username: b });
      assert.equal((await new TokenAuthenticator(database.db, clock).authenticate(forB.token))?.name, b);
      const missing = await expectAppError(
        createToken(asAdmin, { name: "x", username: uniqueName("ghost") }),
        "NOT_FOUND",
      );
      assert.deepEqual(
        missing.fields.map((f) => f.field),
        ["username"],
      );
      const invalid = await expectAppError(
        createToken(asA, { name: "", expires_in_days: 0, scope: "all" }),
        "INVALID_INPUT",
      );
      assert.deepEqual(invalid.fields.map((f) => f.field).sort(), ["expires_in_days", "name", "scope"]);
    });
  });
}
