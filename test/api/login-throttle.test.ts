// Sign-in throttling, idle sessions and password changes over HTTP, on both storage backends: per address
// and per account, a known browser still signs in while the account is under attack, 429 with Retry-After;
// a session unused for the idle timeout ends; a password change ends the other sessions only.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { HOUR, MINUTE, SECOND } from "#domain/time.ts";
import { executeRows, toDate } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
const PASSWORD = "a long enough password";

/** A cookie's value from a response ("" when it is not set). */
function cookieOf(res: Response, name: string): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? "";
  return header.split(";")[0]?.slice(name.length + 1) ?? "";
}

for (const backend of await testBackends()) {
  describe(`sign-in throttling and sessions over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock, env: { FOGHORN_TRUST_PROXY: "true" } });
    });
    after(async () => {
      await foghorn?.close();
    });

    async function newUser(prefix: string, role = "responder"): Promise<string> {
      const username = uniqueName(prefix);
      const made = await foghorn.api("/api/v1/users", { body: { username, role } });
      assert.equal(made.status, 201, await made.clone().text());
      const pw = await foghorn.api(`/api/v1/users/${username}/password`, {
        method: "PUT",
        body: { password: PASSWORD },
      });
      assert.equal(pw.status, 200, await pw.clone().text());
      return username;
    }

    function signIn(username: string, password: string, ip: string, device?: string) {
      return foghorn.api("/api/v1/session", {
        token: null,
        body: { username, password },
        headers: { "x-forwarded-for": ip, ...(device ? { cookie: `foghorn_device=${device}` } : {}) },
      });
    }

    async function expect429(res: Response): Promise<Json> {
      const text = await res.text();
      assert.equal(res.status, 429, text);
      assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
      const retry = Number(res.headers.get("retry-after"));
      assert.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${res.headers.get("retry-after")}`);
      const body = JSON.parse(text) as Json;
      assert.equal(body.code, "TOO_MANY_REQUESTS");
      assert.match(
        String(body.detail),
        /^Too many failed sign-ins; try again in \d+ minutes? \(after \d\d:\d\d UTC\)/,
      );
      assert.deepEqual(res.headers.getSetCookie(), [], "no cookie on a refusal");
      return body;
    }

    test("one address guessing one account is refused after 10 failures; other addresses are not", async () => {
      const alice = await newUser("alice");
      for (let i = 0; i < 10; i++) {
        const res = await signIn(alice, `wrong guess ${i}`, "198.51.100.7");
        assert.equal(res.status, 401);
        await res.arrayBuffer();
      }
      const blocked = await signIn(alice, PASSWORD, "198.51.100.7");
      assert.equal(blocked.headers.get("retry-after"), String(15 * 60));
      const problem = await expect429(blocked);
      assert.match(String(problem.detail), /try again in 15 minutes \(after \d\d:\d\d UTC\)/);

      const elsewhere = await signIn(alice, PASSWORD, "203.0.113.20");
      assert.equal(elsewhere.status, 200, "the real user on another address still signs in");
      await elsewhere.arrayBuffer();

      clock.advance(15 * MINUTE);
      const later = await signIn(alice, PASSWORD, "198.51.100.7");
      assert.equal(later.status, 200, "after the window the address may try again");
      await later.arrayBuffer();
    });

    test("unknown usernames are throttled the same way (no account enumeration)", async () => {
      const ghost = uniqueName("ghost");
      for (let i = 0; i < 10; i++) {
        const res = await signIn(ghost, `guess ${i}`, "198.51.100.8");
        assert.equal(res.status, 401);
        await res.arrayBuffer();
      }
      await expect429(await signIn(ghost, "guess again", "198.51.100.8"));
    });

    test("an account attacked from many addresses: strangers get 429, a known browser still signs in", async () => {
      const bob = await newUser("bob");
      const first = await signIn(bob, PASSWORD, "192.0.2.10");
      assert.equal(first.status, 200);
      await first.arrayBuffer();
      const device = cookieOf(first, "foghorn_device");
      assert.match(device, /^[A-Za-z0-9_-]{43}$/, "a 256-bit device cookie");
      const attrs = first.headers.getSetCookie().find((c) => c.startsWith("foghorn_device=")) ?? "";
      assert.match(attrs, /Path=\/api\/v1\/session/);
      assert.match(attrs, /HttpOnly/);

      // A botnet: 30 failures spread over three addresses (10 each, under the per-address limit).
      for (const ip of ["198.18.0.1", "198.18.0.2", "198.18.0.3"])
        for (let i = 0; i < 10; i++) {
          const res = await signIn(bob, `botnet guess ${i}`, ip);
          assert.equal(res.status, 401);
          await res.arrayBuffer();
        }
      await expect429(await signIn(bob, "one more guess", "198.18.0.4"));
      await expect429(await signIn(bob, PASSWORD, "192.0.2.99"));

      const known = await signIn(bob, PASSWORD, "192.0.2.10", device);
      assert.equal(known.status, 200, "the browser bob signed in with before is not locked out");
      await known.arrayBuffer();
      assert.equal(cookieOf(known, "foghorn_device"), device, "the same device cookie, renewed");
      const roaming = await signIn(bob, PASSWORD, "192.0.2.77", device);
      assert.equal(roaming.status, 200, "nor from another network");
      await roaming.arrayBuffer();

      const stranger = await signIn(bob, PASSWORD, "192.0.2.78", "forged-device-cookie");
      await expect429(stranger);

      const audit = await executeRows(
        foghorn.database.db,
        sql`select action, actor_name, ip, after from audit_log where target_id = ${bob} order by id`,
      );
      const failed = audit.filter((r) => r.action === "session.sign_in_failed");
      assert.ok(failed.some((r) => r.ip === "198.18.0.2" && r.actor_name === bob));
      assert.equal(audit.filter((r) => r.action === "session.sign_in").length, 3);
      assert.ok(!JSON.stringify(audit).includes("botnet guess"), "no password in the audit log");
      assert.ok(!JSON.stringify(audit).includes(PASSWORD));
      clock.advance(15 * MINUTE);
    });

    test("a session unused for 12 hours ends with a clear 401; used, it lives on", async () => {
      const carol = await newUser("carol");
      const res = await signIn(carol, PASSWORD, "192.0.2.30");
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const cookie = `foghorn_session=${cookieOf(res, "foghorn_session")}`;
      const me = () => foghorn.api("/api/v1/me", { token: null, headers: { cookie } });

      clock.advance(30 * SECOND);
      assert.equal((await me()).status, 200);
      const seen = async () =>
        (
          await executeRows(
            foghorn.database.db,
            sql`select s.last_seen_at from sessions s join users u on u.id = s.user_id where u.username = ${carol}`,
          )
        )[0]?.last_seen_at;
      const signInSeen = toDate(await seen())?.getTime();
      assert.equal(signInSeen, clock.now().getTime() - 30 * SECOND, "not written within the minute");
      clock.advance(11 * HOUR);
      assert.equal((await me()).status, 200);
      assert.equal(toDate(await seen())?.getTime(), clock.now().getTime(), "touched after a minute");
      clock.advance(12 * HOUR - SECOND);
      assert.equal((await me()).status, 200, "active sessions last beyond 12 hours");
      clock.advance(12 * HOUR);
      const ended = await me();
      const body = (await ended.json()) as Json;
      assert.equal(ended.status, 401);
      assert.equal(body.detail, "Your session ended after 720 minutes without activity; sign in again");
      assert.equal((await me()).status, 401, "and it stays ended");
    });

    test("a password change ends the user's other sessions and keeps the one that made it", async () => {
      const dave = await newUser("dave");
      const sessions: { cookie: string; csrf: string }[] = [];
      for (const ip of ["192.0.2.41", "192.0.2.42"]) {
        const res = await signIn(dave, PASSWORD, ip);
        assert.equal(res.status, 200);
        const body = (await res.json()) as Json;
        sessions.push({
          cookie: `foghorn_session=${cookieOf(res, "foghorn_session")}`,
          csrf: String(body.csrf_token),
        });
      }
      const [laptop, phone] = sessions as [
        { cookie: string; csrf: string },
        { cookie: string; csrf: string },
      ];
      const changed = await foghorn.api(`/api/v1/users/${dave}/password`, {
        method: "PUT",
        token: null,
        headers: { cookie: laptop.cookie, "x-csrf-token": laptop.csrf, "x-forwarded-for": "192.0.2.41" },
        body: { password: "dave's brand new password" },
      });
      assert.equal(changed.status, 200, await changed.clone().text());
      assert.deepEqual(await changed.json(), { username: dave, sessions_ended: 1 });
      const still = await foghorn.api("/api/v1/me", { token: null, headers: { cookie: laptop.cookie } });
      assert.equal(still.status, 200, "the session that changed the password stays");
      assert.equal(((await still.json()) as Json).username, dave);
      const gone = await foghorn.api("/api/v1/me", { token: null, headers: { cookie: phone.cookie } });
      assert.equal(gone.status, 401, "the other session ended");
      await gone.arrayBuffer();

      const [entry] = await executeRows(
        foghorn.database.db,
        sql`select actor_name, ip, after from audit_log where action = 'user.password_change' and target_id = ${dave}
            and actor_name = ${dave}`,
      );
      assert.deepEqual(entry?.after, { sessions_ended: 1 });
      assert.equal(entry?.ip, "192.0.2.41");

      const out = await foghorn.api("/api/v1/session", {
        method: "DELETE",
        token: null,
        headers: { cookie: laptop.cookie, "x-csrf-token": laptop.csrf },
      });
      assert.equal(out.status, 204);
      const [signOut] = await executeRows(
        foghorn.database.db,
        sql`select actor_name from audit_log where action = 'session.sign_out' and target_id = ${dave}`,
      );
      assert.equal(signOut?.actor_name, dave);
    });
  });
}
