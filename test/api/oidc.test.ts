// SSO with OpenID Connect against a real OpenID provider (oidc-provider, in-process), on both storage
// backends: authorization code + PKCE, group → role mapping on every sign-in, state checks, no open
// redirect, and turning password sign-in off.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { startTestFoghorn, TEST_ADMIN_PASSWORD, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  browserFetch,
  CookieJar,
  signInAtProvider,
  startOidcProvider,
  type TestOidcProvider,
} from "../helpers/oidc-provider.ts";

type Json = Record<string, unknown>;
const CALLBACK = "/api/v1/auth/oidc/callback";

function configFile(dir: string, idp: TestOidcProvider, localPasswords: boolean): string {
  const path = join(dir, `foghorn-${localPasswords ? "sso" : "sso-only"}.yaml`);
  writeFileSync(
    path,
    [
      "auth:",
      `  localPasswords: ${localPasswords}`,
      "  oidc:",
      `    issuer: ${idp.issuer}`,
      `    clientId: ${idp.clientId}`,
      `    clientSecret: ${idp.clientSecret}`,
      "    displayName: Okta",
      "    roleMapping:",
      "      foghorn-admins: admin",
      "      sre: manager",
      "      engineering: responder",
      "",
    ].join("\n"),
  );
  return path;
}

for (const backend of await testBackends()) {
  describe(`SSO with OpenID Connect (${backend.kind})`, { skip: backend.skip }, () => {
    let idp: TestOidcProvider;
    let foghorn: TestFoghorn;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "foghorn-oidc-"));
      idp = await startOidcProvider();
      foghorn = await startTestFoghorn(backend.kind, {
        env: { FOGHORN_CONFIG: configFile(dir, idp, true) },
      });
      idp.serve(`${foghorn.url}${CALLBACK}`);
      idp.accounts.set("sub-alice", {
        preferred_username: "alice@example.com",
        email: "alice@example.com",
        name: "Alice Example",
        groups: ["engineering"],
      });
      idp.accounts.set("sub-mallory", {
        preferred_username: "mallory",
        email: "mallory@example.com",
        name: "Mallory",
        groups: ["marketing"],
      });
    });
    after(async () => {
      await foghorn?.close();
      await idp?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Opens the start URL in a fresh browser: the jar and the provider's authorization URL. */
    async function start(returnTo = "/incidents") {
      const jar = new CookieJar();
      const res = await browserFetch(
        jar,
        `${foghorn.url}/api/v1/auth/oidc/start?return_to=${encodeURIComponent(returnTo)}`,
      );
      assert.equal(res.status, 302, await res.text());
      const location = res.headers.get("location") ?? "";
      assert.ok(location.startsWith(`${idp.issuer}/`), `redirects to the provider: ${location}`);
      return { jar, authorizationUrl: new URL(location) };
    }

    /** The whole browser journey for `sub`: the jar and the (not yet opened) callback URL. */
    async function throughProvider(sub: string, returnTo?: string) {
      const { jar, authorizationUrl } = await start(returnTo);
      const callbackUrl = await signInAtProvider(
        jar,
        authorizationUrl.toString(),
        sub,
        `${foghorn.url}${CALLBACK}`,
      );
      return { jar, authorizationUrl, callbackUrl };
    }

    async function me(jar: CookieJar): Promise<Response> {
      return fetch(`${foghorn.url}/api/v1/me`, { headers: { cookie: jar.header(foghorn.url) } });
    }

    async function problemOf(res: Response, status: number): Promise<Json> {
      const text = await res.text();
      assert.equal(res.status, status, text);
      assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
      return JSON.parse(text) as Json;
    }

    test("the sign-in page learns that both passwords and Okta are on", async () => {
      const res = await fetch(`${foghorn.url}/api/v1/auth/methods`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        password: true,
        oidc: { name: "Okta", start_url: "/api/v1/auth/oidc/start" },
      });
    });

    test("a first sign-in creates the user with the mapped role and a working session", async () => {
      const { jar, authorizationUrl, callbackUrl } = await throughProvider(
        "sub-alice",
        "/incidents?status=open",
      );
      assert.equal(authorizationUrl.searchParams.get("code_challenge_method"), "S256");
      assert.equal(authorizationUrl.searchParams.get("redirect_uri"), `${foghorn.url}${CALLBACK}`);
      const code = new URL(callbackUrl).searchParams.get("code") ?? "";
      assert.ok(code, "the provider sent a code back");

      const res = await browserFetch(jar, callbackUrl);
      assert.equal(res.status, 302, await res.text());
      assert.equal(res.headers.get("location"), "/incidents?status=open");
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("foghorn_session="));
      assert.ok(cookie, "the session cookie is set");
      assert.match(cookie, /HttpOnly/i);
      assert.match(cookie, /SameSite=Lax/i);

      // PKCE: the token request carried the verifier whose S256 hash was the challenge.
      const exchange = idp.tokenRequests.at(-1);
      assert.equal(exchange?.status, 200);
      assert.ok(exchange?.codeVerifier, "a code_verifier was sent to the token endpoint");
      assert.equal(
        createHash("sha256").update(exchange.codeVerifier).digest("base64url"),
        authorizationUrl.searchParams.get("code_challenge"),
      );

      const who = await me(jar);
      assert.equal(who.status, 200);
      const body = (await who.json()) as Json;
      assert.equal(body.username, "alice");
      assert.equal(body.role, "responder");

      const [user] = await executeRows(
        foghorn.database.db,
        sql`select username, role, display_name, external_id, password_hash from users where username = 'alice'`,
      );
      assert.deepEqual(user, {
        username: "alice",
        role: "responder",
        display_name: "Alice Example",
        external_id: `${idp.issuer} sub-alice`,
        password_hash: null,
      });
      const [session] = await executeRows(
        foghorn.database.db,
        sql`select s.method from sessions s join users u on u.id = s.user_id where u.username = 'alice'`,
      );
      assert.equal(session?.method, "oidc");
      const audit = await executeRows(
        foghorn.database.db,
        sql`select action, actor_name, after from audit_log where action like 'session.%' and actor_name = 'alice'`,
      );
      assert.ok(
        audit.some((a) => a.action === "session.sign_in" && (a.after as Json).method === "oidc"),
        JSON.stringify(audit),
      );
      const everything = JSON.stringify(await executeRows(foghorn.database.db, sql`select * from audit_log`));
      assert.ok(!everything.includes(code), "the authorization code is not in the audit log");
      assert.ok(!everything.includes(idp.clientSecret), "the client secret is not in the audit log");
    });

    test("the next sign-in re-maps the role from the groups, and keeps the same user", async () => {
      const alice = idp.accounts.get("sub-alice");
      assert.ok(alice);
      alice.groups = ["engineering", "foghorn-admins"];
      const { jar, callbackUrl } = await throughProvider("sub-alice");
      assert.equal((await browserFetch(jar, callbackUrl)).status, 302);
      const body = (await (await me(jar)).json()) as Json;
      assert.equal(body.username, "alice");
      assert.equal(body.role, "admin", "the highest mapped role wins");

      alice.groups = ["sre"];
      const again = await throughProvider("sub-alice");
      assert.equal((await browserFetch(again.jar, again.callbackUrl)).status, 302);
      assert.equal(((await (await me(again.jar)).json()) as Json).role, "manager", "demoted with the group");
      const rows = await executeRows(
        foghorn.database.db,
        sql`select username from users where username like 'alice%'`,
      );
      assert.deepEqual(rows, [{ username: "alice" }]);
    });

    test("someone in no mapped group (and no default role) is refused with a readable message", async () => {
      const { jar, callbackUrl } = await throughProvider("sub-mallory");
      const problem = await problemOf(
        await browserFetch(jar, callbackUrl, { accept: "application/json" }),
        403,
      );
      assert.match(String(problem.detail), /mallory is in none of the groups that give access to Foghorn/);
      assert.match(String(problem.detail), /marketing/);
      const users = await executeRows(
        foghorn.database.db,
        sql`select 1 from users where username = 'mallory'`,
      );
      assert.equal(users.length, 0, "no user was created");
      const failed = await executeRows(
        foghorn.database.db,
        sql`select actor_name from audit_log where action = 'session.sign_in_failed' and actor_name = 'mallory'`,
      );
      assert.equal(failed.length, 1);

      // A person gets a page, not JSON.
      const page = await throughProvider("sub-mallory");
      const res = await browserFetch(page.jar, page.callbackUrl);
      assert.equal(res.status, 403);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      const html = await res.text();
      assert.match(html, /Sign-in failed/);
      assert.match(html, /none of the groups/);
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith("foghorn_session=")), "no session");
    });

    test("a tampered, replayed or foreign-browser state is refused", async () => {
      const { jar, callbackUrl } = await throughProvider("sub-alice");
      const tampered = new URL(callbackUrl);
      tampered.searchParams.set("state", `${tampered.searchParams.get("state")?.slice(0, -2)}xx`);
      const bad = await problemOf(
        await browserFetch(jar, tampered.toString(), { accept: "application/json" }),
        401,
      );
      assert.match(String(bad.detail), /start again/);

      // Another browser (no state cookie) cannot finish this sign-in, e.g. a link sent to a victim.
      const other = await problemOf(
        await browserFetch(new CookieJar(), callbackUrl, { accept: "application/json" }),
        401,
      );
      assert.match(String(other.detail), /not started in this browser/);

      // The real browser can (the refusals above did not use it up) …
      const state = jar.get(foghorn.url, "foghorn_oidc_state");
      assert.ok(state);
      const replayCookie = `foghorn_oidc_state=${state}`;
      assert.equal((await browserFetch(jar, callbackUrl)).status, 302);
      // … once: replaying the same answer (with the same cookie) is refused.
      const replay = await fetch(callbackUrl, {
        headers: { cookie: replayCookie, accept: "application/json" },
        redirect: "manual",
      });
      const replayed = await problemOf(replay, 401);
      assert.match(String(replayed.detail), /unknown or was already used/);
    });

    test("the provider's refusal (access_denied) is shown without a session", async () => {
      const { jar, authorizationUrl } = await start();
      const state = authorizationUrl.searchParams.get("state") ?? "";
      const res = await browserFetch(
        jar,
        `${foghorn.url}${CALLBACK}?error=access_denied&error_description=End-User+aborted+interaction&state=${state}`,
        { accept: "application/json" },
      );
      const problem = await problemOf(res, 401);
      assert.match(
        String(problem.detail),
        /Okta did not sign you in \(access_denied: End-User aborted interaction\)/,
      );
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith("foghorn_session=")));
    });

    test("the PKCE verifier is what the provider checks: a wrong one fails the exchange", async () => {
      const { jar, authorizationUrl } = await start();
      const state = authorizationUrl.searchParams.get("state") ?? "";
      const stateHash = createHash("sha256").update(state).digest("hex");
      await foghorn.database.db.execute(
        sql`update oidc_states set code_verifier = ${"w".repeat(43)} where state_hash = ${stateHash}`,
      );
      const callbackUrl = await signInAtProvider(
        jar,
        authorizationUrl.toString(),
        "sub-alice",
        `${foghorn.url}${CALLBACK}`,
      );
      const problem = await problemOf(
        await browserFetch(jar, callbackUrl, { accept: "application/json" }),
        401,
      );
      assert.match(String(problem.detail), /refused the code exchange \(invalid_grant/);
      assert.equal(idp.tokenRequests.at(-1)?.codeVerifier, "w".repeat(43));
      assert.equal(idp.tokenRequests.at(-1)?.status, 400);
    });

    test("return_to must be a path on this site: no open redirect", async () => {
      for (const target of [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
      ]) {
        const res = await fetch(
          `${foghorn.url}/api/v1/auth/oidc/start?return_to=${encodeURIComponent(target)}`,
          { redirect: "manual" },
        );
        const problem = await problemOf(res, 422);
        assert.match(String(problem.detail), /return_to must be a path on this site/, target);
      }
    });

    describe("with local passwords turned off", () => {
      let ssoOnly: TestFoghorn;
      before(async () => {
        ssoOnly = await startTestFoghorn(backend.kind, {
          env: { FOGHORN_CONFIG: configFile(dir, idp, false) },
        });
      });
      after(async () => {
        await ssoOnly?.close();
      });

      test("password sign-in answers 403 and the sign-in methods say SSO only", async () => {
        const res = await ssoOnly.api("/api/v1/session", {
          token: null,
          body: { username: "admin", password: TEST_ADMIN_PASSWORD },
        });
        const problem = await problemOf(res, 403);
        assert.match(String(problem.detail), /Password sign-in is turned off/);
        assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith("foghorn_session=")));
        const methods = await fetch(`${ssoOnly.url}/api/v1/auth/methods`);
        assert.deepEqual(await methods.json(), {
          password: false,
          oidc: { name: "Okta", start_url: "/api/v1/auth/oidc/start" },
        });
        // API tokens (the break-glass path for scripts) still work.
        assert.equal((await ssoOnly.api("/api/v1/me")).status, 200);
      });
    });
  });
}
