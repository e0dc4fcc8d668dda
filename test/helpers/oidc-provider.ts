/**
 * A real OpenID provider (the `oidc-provider` package) on a random 127.0.0.1 port, with one confidential
 * client (client_secret_basic, PKCE required), test accounts with groups, and its development login and
 * consent pages, which `browse` drives with fetch and a cookie jar like a browser would.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export interface TestAccount {
  preferred_username: string;
  email: string;
  name: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by `sub`; change groups between sign-ins. */
  accounts: Map<string, TestAccount>;
  /** What the token endpoint received and answered, newest last. */
  tokenRequests: { codeVerifier: string | undefined; status: number }[];
  /** Starts answering, for a client whose redirect URI is known only now. */
  serve(redirectUri: string): void;
  close(): Promise<void>;
}

export async function startOidcProvider(): Promise<TestOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const tokenRequests: TestOidcProvider["tokenRequests"] = [];
  const server = createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const accounts = new Map<string, TestAccount>();
  const clientId = "foghorn";
  const clientSecret = "foghorn-client-secret-0123456789";
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    tokenRequests,
    serve(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ["authorization_code"],
            response_types: ["code"],
            token_endpoint_auth_method: "client_secret_basic",
          },
        ],
        jwks: { keys: [jwk] },
        pkce: { required: () => true },
        scopes: ["openid", "profile", "email", "groups"],
        claims: {
          openid: ["sub"],
          profile: ["name", "preferred_username"],
          email: ["email"],
          groups: ["groups"],
        },
        cookies: { keys: ["test-cookie-key-0123456789"] },
        features: { devInteractions: { enabled: true } },
        async findAccount(_ctx, sub) {
          const account = accounts.get(sub);
          if (!account) return undefined;
          return { accountId: sub, claims: async () => ({ sub, ...account, groups: [...account.groups] }) };
        },
      });
      provider.use(async (ctx, next) => {
        await next();
        if (ctx.path === "/token") {
          const params = (ctx.oidc as { params?: { code_verifier?: string } } | undefined)?.params;
          tokenRequests.push({ codeVerifier: params?.code_verifier, status: ctx.status });
        }
      });
      handler = provider.callback();
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Cookies by host, as a browser keeps them (names and values only; tests need no more). */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: string): string {
    const jar = this.jars.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }

  get(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).host)?.get(name);
  }
}

/** One request with the jar's cookies and no redirect following; the jar learns the answer's cookies. */
export async function browserFetch(
  jar: CookieJar,
  url: string,
  init: { method?: string; form?: Record<string, string>; accept?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: init.accept ?? "text/html" };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
  const res = await fetch(url, {
    method: init.method ?? (init.form ? "POST" : "GET"),
    headers,
    redirect: "manual",
    ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
  });
  jar.store(url, res);
  return res;
}

/**
 * Plays the user at the provider: from its authorization URL, follows redirects, signs in as `sub` on the
 * login page and continues on the consent page, until the provider redirects back to `backTo`. Answers
 * that callback URL (not opened, so tests can open, replay or tamper with it).
 */
export async function signInAtProvider(
  jar: CookieJar,
  authorizationUrl: string,
  sub: string,
  backTo: string,
) {
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(backTo)) return url;
    const res = await browserFetch(jar, url);
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url).toString();
      continue;
    }
    const html = await res.text();
    if (res.status !== 200)
      throw new Error(`provider answered ${res.status} at ${url}: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`unexpected provider page at ${url}: ${html.slice(0, 300)}`);
    const form: Record<string, string> =
      prompt === "login" ? { prompt, login: sub, password: "any" } : { prompt };
    const posted = await browserFetch(jar, new URL(action.replace(/&amp;/g, "&"), url).toString(), { form });
    const next = posted.headers.get("location");
    if (!next)
      throw new Error(`provider did not redirect after ${prompt}: ${posted.status} ${await posted.text()}`);
    url = new URL(next, url).toString();
  }
  throw new Error("the provider never redirected back");
}
