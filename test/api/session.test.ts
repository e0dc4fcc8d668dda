// Web sign-in over HTTP, on both storage backends: the session cookie, CSRF, sign-out, expiry, the
// first-run setup link and passwords set through the API.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { createSetupToken } from "#app/auth/setup.ts";
import { DAY, HOUR, SECOND } from "#domain/time.ts";
import { findUserByUsername } from "#store/auth.ts";
import { executeRows, toDate } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, TEST_ADMIN_PASSWORD, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

async function expectProblem(res: Response, status: number, code: string): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = JSON.parse(text) as Json;
  assert.equal(problem.code, code);
  return problem;
}

/** The foghorn_session cookie of a response: its value and its attributes (lower-cased names). */
function sessionCookie(res: Response): { value: string; attributes: Map<string, string> } {
  const header = res.headers.getSetCookie().find((c) => c.startsWith("foghorn_session="));
  assert.ok(header, `a foghorn_session cookie is set: ${res.headers.getSetCookie().join(" | ")}`);
  const [pair = "", ...attrs] = header.split(/;\s*/);
  const attributes = new Map(
    attrs.map((a) => {
      const [k = "", v = ""] = a.split("=");
      return [k.toLowerCase(), v] as const;
    }),
  );
  return { value: pair.slice("foghorn_session=".length), attributes };
}

interface SignedIn {
  cookie: string;
  csrf: string;
  body: Json;
}

async function signIn(
  foghorn: TestFoghorn,
  password = TEST_ADMIN_PASSWORD,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const res = await foghorn.api("/api/v1/session", {
    token: null,
    headers,
    body: { username: "admin", password },
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as Json;
  return { cookie: `foghorn_session=${sessionCookie(res).value}`, csrf: String(body.csrf_token), body };
}

for (const backend of await testBackends()) {
  describe(`web sessions over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
    });
    after(async () => {
      await foghorn?.close();
    });

    test("signing in answers the user and a CSRF token, and sets an HttpOnly SameSite=Lax cookie", async () => {
      const res = await foghorn.api("/api/v1/session", {
        token: null,
        body: { username: "admin", password: TEST_ADMIN_PASSWORD },
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Json;
      assert.deepEqual(Object.keys(body).sort(), ["csrf_token", "role", "username"]);
      assert.equal(body.username, "admin");
      assert.equal(body.role, "admin");
      assert.match(String(body.csrf_token), /^[A-Za-z0-9_-]{43}$/);

      const cookie = sessionCookie(res);
      assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, "256 random bits");
      assert.ok(cookie.attributes.has("httponly"));
      assert.equal(cookie.attributes.get("samesite"), "Lax");
      assert.equal(cookie.attributes.get("path"), "/");
      assert.ok(!cookie.attributes.has("secure"), "no Secure over plain http");
      assert.equal(
        new Date(cookie.attributes.get("expires") ?? "").getTime(),
        Math.floor((clock.now().getTime() + 14 * DAY) / SECOND) * SECOND,
        "the cookie ends with the session, 14 days on",
      );

      const rows = await executeRows(
        foghorn.database.db,
        sql`select token_hash, csrf_token, expires_at from sessions`,
      );
      assert.ok(rows.length >= 1);
      assert.ok(!JSON.stringify(rows).includes(cookie.value), "the cookie secret is not stored");
      const row = rows.find((r) => r.csrf_token === body.csrf_token);
      assert.ok(row, "the session row holds the CSRF token");
      assert.equal(toDate(row.expires_at)?.getTime(), clock.now().getTime() + 14 * DAY);
    });

    test("a wrong password and an unknown user get the same 401 answer", async () => {
      const wrong = await foghorn.api("/api/v1/session", {
        token: null,
        body: { username: "admin", password: "not-the-password" },
      });
      const unknown = await foghorn.api("/api/v1/session", {
        token: null,
        body: { username: "nobody", password: TEST_ADMIN_PASSWORD },
      });
      const a = await expectProblem(wrong, 401, "UNAUTHENTICATED");
      const b = await expectProblem(unknown, 401, "UNAUTHENTICATED");
      assert.equal(a.detail, "Wrong username or password");
      assert.equal(b.detail, a.detail);
      assert.deepEqual(wrong.headers.getSetCookie(), [], "no cookie on a refusal");

      const missing = await expectProblem(
        await foghorn.api("/api/v1/session", { token: null, body: { username: "admin" } }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(missing.errors, [{ field: "password", message: "is required" }]);
    });

    test("GET /api/v1/session answers the signed-in user; without a session it is 401", async () => {
      const { cookie, body } = await signIn(foghorn);
      const res = await foghorn.api("/api/v1/session", { token: null, headers: { cookie } });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), body);

      await expectProblem(await foghorn.api("/api/v1/session", { token: null }), 401, "UNAUTHENTICATED");
      const bearerOnly = await expectProblem(await foghorn.api("/api/v1/session"), 401, "UNAUTHENTICATED");
      assert.match(String(bearerOnly.detail), /bearer token is not a session|No session/);

      const me = await foghorn.api("/api/v1/me", { token: null, headers: { cookie } });
      assert.deepEqual(
        await me.json(),
        { username: "admin", role: "admin" },
        "the cookie authenticates the API",
      );
    });

    test("CSRF: a change with the cookie needs the session's X-CSRF-Token; a bearer token needs none", async () => {
      const { cookie, csrf } = await signIn(foghorn);
      const body = { title: "CSRF check", severity: "low" };
      const none = await expectProblem(
        await foghorn.api("/api/v1/incidents", { token: null, headers: { cookie }, body }),
        403,
        "FORBIDDEN",
      );
      assert.equal(none.detail, "Missing or wrong X-CSRF-Token header; reload the page");
      await expectProblem(
        await foghorn.api("/api/v1/incidents", {
          token: null,
          headers: { cookie, "x-csrf-token": `${csrf.slice(0, -1)}x` },
          body,
        }),
        403,
        "FORBIDDEN",
      );
      const other = await signIn(foghorn);
      await expectProblem(
        await foghorn.api("/api/v1/incidents", {
          token: null,
          headers: { cookie, "x-csrf-token": other.csrf },
          body,
        }),
        403,
        "FORBIDDEN",
      );
      const list = (await (await foghorn.api("/api/v1/incidents?q=CSRF%20check")).json()) as Json;
      assert.deepEqual(list.items, [], "refused requests wrote nothing");

      const ok = await foghorn.api("/api/v1/incidents", {
        token: null,
        headers: { cookie, "x-csrf-token": csrf },
        body,
      });
      assert.equal(ok.status, 201);
      const incident = (await ok.json()) as Json;
      const timeline = (await (
        await foghorn.api(`/api/v1/incidents/${incident.id}/timeline`)
      ).json()) as Json;
      assert.equal((timeline.events as Json[])[0]?.actor, "admin", "the session's user is the actor");

      const bearer = await foghorn.api("/api/v1/incidents", { body });
      assert.equal(bearer.status, 201, "bearer requests need no CSRF token");
      await bearer.arrayBuffer();
      const read = await foghorn.api(`/api/v1/incidents/${incident.id}`, {
        token: null,
        headers: { cookie },
      });
      assert.equal(read.status, 200, "reads with the cookie need no CSRF token");
      await read.arrayBuffer();
    });

    test("a bearer token wins over the cookie when both are sent", async () => {
      const { cookie } = await signIn(foghorn);
      const res = await foghorn.api("/api/v1/me", {
        token: "fh_not-a-real-token-000000000000000000000000",
        headers: { cookie },
      });
      await expectProblem(res, 401, "UNAUTHENTICATED");
    });

    test("signing out ends the session on the server: the old cookie is refused afterwards", async () => {
      const { cookie, csrf } = await signIn(foghorn);
      await expectProblem(
        await foghorn.api("/api/v1/session", { method: "DELETE", token: null, headers: { cookie } }),
        403,
        "FORBIDDEN",
      );
      const res = await foghorn.api("/api/v1/session", {
        method: "DELETE",
        token: null,
        headers: { cookie, "x-csrf-token": csrf },
      });
      assert.equal(res.status, 204);
      assert.equal(await res.text(), "");
      const cleared = sessionCookie(res);
      assert.equal(cleared.value, "");
      assert.equal(new Date(cleared.attributes.get("expires") ?? "").getTime(), 0, "the browser drops it");

      for (const path of ["/api/v1/session", "/api/v1/me"]) {
        const after = await foghorn.api(path, { token: null, headers: { cookie } });
        const problem = await expectProblem(after, 401, "UNAUTHENTICATED");
        assert.match(String(problem.detail), /session has ended/);
      }
    });

    test("a session ends 14 days after it was created, however busy", async () => {
      const { cookie } = await signIn(foghorn);
      // Used every 11 hours (under the 12-hour idle timeout) until a second before the 14 days are up.
      let elapsed = 0;
      while (elapsed + 11 * HOUR < 14 * DAY) {
        clock.advance(11 * HOUR);
        elapsed += 11 * HOUR;
        const res = await foghorn.api("/api/v1/me", { token: null, headers: { cookie } });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      clock.advance(14 * DAY - SECOND - elapsed);
      const still = await foghorn.api("/api/v1/me", { token: null, headers: { cookie } });
      assert.equal(still.status, 200);
      await still.arrayBuffer();
      clock.advance(SECOND);
      const ended = await expectProblem(
        await foghorn.api("/api/v1/me", { token: null, headers: { cookie } }),
        401,
        "UNAUTHENTICATED",
      );
      assert.match(String(ended.detail), /14 days/);
    });

    test("setting a password through the API signs the user's sessions out", async () => {
      const { cookie } = await signIn(foghorn);
      const short = await expectProblem(
        await foghorn.api("/api/v1/users/admin/password", { method: "PUT", body: { password: "short" } }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(short.errors, [{ field: "password", message: "must be at least 12 characters" }]);
      await expectProblem(
        await foghorn.api("/api/v1/users/nobody/password", {
          method: "PUT",
          body: { password: "long enough password" },
        }),
        404,
        "NOT_FOUND",
      );

      const res = await foghorn.api("/api/v1/users/admin/password", {
        method: "PUT",
        body: { password: "a brand new password" },
      });
      assert.equal(res.status, 200);
      const result = (await res.json()) as Json;
      assert.equal(result.username, "admin");
      assert.ok(Number(result.sessions_ended) >= 1);
      await expectProblem(
        await foghorn.api("/api/v1/me", { token: null, headers: { cookie } }),
        401,
        "UNAUTHENTICATED",
      );
      await expectProblem(
        await foghorn.api("/api/v1/session", {
          token: null,
          body: { username: "admin", password: TEST_ADMIN_PASSWORD },
        }),
        401,
        "UNAUTHENTICATED",
      );
      await signIn(foghorn, "a brand new password");
      const back = await foghorn.api("/api/v1/users/admin/password", {
        method: "PUT",
        body: { password: TEST_ADMIN_PASSWORD },
      });
      assert.equal(back.status, 200);
      await back.arrayBuffer();
    });
  });

  describe(`first-run setup link (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, {
        clock,
        bootstrapPassword: null,
        env: { FOGHORN_PUBLIC_URL: "https://foghorn.example.com/" },
      });
    });
    after(async () => {
      await foghorn?.close();
    });

    const setupToken = () => {
      const match = /^ {4}https:\/\/foghorn\.example\.com\/setup\?token=([A-Za-z0-9_-]{43})$/m.exec(
        foghorn.firstStartOutput,
      );
      assert.ok(match?.[1], `the first start printed the setup link:\n${foghorn.firstStartOutput}`);
      return match[1];
    };

    test("the first start prints a one-time setup link on stdout; only its hash is stored", async () => {
      assert.match(foghorn.firstStartOutput, /valid 24 hours/);
      assert.match(foghorn.firstStartOutput, /foghorn user set-password admin/);
      const rows = await executeRows(
        foghorn.database.db,
        sql`select token_hash, expires_at from setup_tokens`,
      );
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(setupToken()));
      const admin = await findUserByUsername(foghorn.database.db, "admin");
      assert.equal(admin?.passwordHash, null, "no password until the link is used");
      await expectProblem(
        await foghorn.api("/api/v1/session", {
          token: null,
          body: { username: "admin", password: "anything at all" },
        }),
        401,
        "UNAUTHENTICATED",
      );
    });

    test("the link sets the password, signs the admin in, and works once", async () => {
      const token = setupToken();
      const short = await expectProblem(
        await foghorn.api("/api/v1/setup", { token: null, body: { token, password: "too short" } }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(short.errors, [{ field: "password", message: "must be at least 12 characters" }]);

      const res = await foghorn.api("/api/v1/setup", {
        token: null,
        body: { token, password: "the admin's first password" },
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Json;
      assert.equal(body.username, "admin");
      assert.match(String(body.csrf_token), /^[A-Za-z0-9_-]{43}$/);
      const cookie = `foghorn_session=${sessionCookie(res).value}`;
      const me = await foghorn.api("/api/v1/session", { token: null, headers: { cookie } });
      assert.deepEqual(await me.json(), body, "signed in by the setup");

      const again = await expectProblem(
        await foghorn.api("/api/v1/setup", { token: null, body: { token, password: "another password!" } }),
        401,
        "UNAUTHENTICATED",
      );
      assert.match(String(again.detail), /already used, it expired/);
      await signIn(foghorn, "the admin's first password");
    });

    test("a setup link expires 24 hours after it was made", async () => {
      const admin = await findUserByUsername(foghorn.database.db, "admin");
      assert.ok(admin);
      const fresh = await createSetupToken(foghorn.database.db, clock.now(), admin.id);
      const expired = await createSetupToken(foghorn.database.db, clock.now(), admin.id);
      clock.advance(DAY - SECOND);
      const ok = await foghorn.api("/api/v1/setup", {
        token: null,
        body: { token: fresh, password: "set just in time" },
      });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
      clock.advance(SECOND);
      await expectProblem(
        await foghorn.api("/api/v1/setup", {
          token: null,
          body: { token: expired, password: "set a second too late" },
        }),
        401,
        "UNAUTHENTICATED",
      );
      await signIn(foghorn, "set just in time");
    });
  });
}

describe("the session cookie behind a TLS-terminating proxy (pglite)", () => {
  let trusting: TestFoghorn;
  let plain: TestFoghorn;
  before(async () => {
    [trusting, plain] = await Promise.all([
      startTestFoghorn("pglite", { env: { FOGHORN_TRUST_PROXY: "true" } }),
      startTestFoghorn("pglite"),
    ]);
  });
  after(async () => {
    await Promise.all([trusting?.close(), plain?.close()]);
  });

  test("Secure is set when the request came over https (X-Forwarded-Proto with server.trustProxy)", async () => {
    const https = { "x-forwarded-proto": "https" };
    const res = await trusting.api("/api/v1/session", {
      token: null,
      headers: https,
      body: { username: "admin", password: TEST_ADMIN_PASSWORD },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const cookie = sessionCookie(res);
    assert.ok(cookie.attributes.has("secure"));
    assert.ok(cookie.attributes.has("httponly"));
    assert.equal(cookie.attributes.get("samesite"), "Lax");

    const untrusted = await plain.api("/api/v1/session", {
      token: null,
      headers: https,
      body: { username: "admin", password: TEST_ADMIN_PASSWORD },
    });
    await untrusted.arrayBuffer();
    assert.ok(!sessionCookie(untrusted).attributes.has("secure"), "X-Forwarded-Proto is ignored untrusted");
  });
});
