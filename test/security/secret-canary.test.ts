// The secret-canary sweep (issue 10): every secret Foghorn holds is a unique canary string; the product is
// exercised end to end (an alert pages a webhook, a status update reaches webhook and Slack subscribers,
// sign-in and sign-out, Slack announcements, refused requests, every GET of the OpenAPI document, the audit
// log); then no log line, API answer (other than the one that created a secret), error body, audit entry or
// database row may contain a canary. The stored secrets the server needs in plain form are sealed
// (store/secret-box.ts) and hashed ones are hashes, so the dump is checked whole: no column is excluded.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { loadConfig } from "#config/load.ts";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { createLogger } from "../../src/main.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startFakeSlack } from "../helpers/fake-slack.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

const canary = (what: string) => `CANARY-${what}-${randomUUID()}`;

/** A local HTTP receiver for webhook pages and subscriber notifications. */
async function startReceiver() {
  const received: { path: string; raw: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", raw: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The firing Grafana alert: severity critical, so it opens a SEV1 incident that pages. */
function grafanaBody(title: string): string {
  return JSON.stringify({
    receiver: "foghorn",
    status: "firing",
    version: "1",
    orgId: 1,
    title,
    state: "alerting",
    groupKey: `{}:{alertname="${title}"}`,
    groupLabels: { alertname: title },
    commonLabels: { alertname: title, severity: "critical" },
    commonAnnotations: {},
    externalURL: "https://grafana.example.com/",
    alerts: [
      {
        status: "firing",
        labels: { alertname: title, severity: "critical" },
        annotations: { summary: title },
        startsAt: new Date().toISOString(),
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "https://grafana.example.com/alerting/1",
        fingerprint: "0123456789abcdef",
      },
    ],
  });
}

for (const backend of await testBackends()) {
  describe(`secret-canary sweep (${backend.kind})`, { skip: backend.skip }, () => {
    const lines: string[] = [];
    const canaries = new Map<string, string>(); // value → what it is
    const add = (what: string, value = canary(what)) => {
      canaries.set(value, what);
      return value;
    };
    const config = {
      bootstrapToken: add("bootstrap-token"),
      bootstrapPassword: add("bootstrap-password"),
      smtpPassword: add("smtp-password"),
      slackBotToken: add("slack-bot-token"),
      slackSigningSecret: add("slack-signing-secret"),
      githubToken: add("github-token"),
      githubWebhookSecret: add("github-webhook-secret"),
      openAiKey: add("openai-key"),
      twilioAuthToken: add("twilio-auth-token"),
      webhookSigningSecret: add("webhook-signing-secret"),
      secretKey: add("secret-key"),
      oidcClientSecret: add("oidc-client-secret"),
    };
    const hmacSecret = add("grafana-hmac");
    const pageKey = add("webhook-url-key");
    const subscriberKey = add("subscriber-url-key");
    const slackKey = add("slack-webhook-key");
    const wrongPassword = add("wrong-password");
    const badBodyValue = add("bad-body");

    const logOnly = new Map<string, string>();
    /** Every answer the test saw: the ones that created a secret may show it, no other. */
    const answers: { what: string; text: string; creation: boolean }[] = [];
    let foghorn: TestFoghorn;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let slack: Awaited<ReturnType<typeof startFakeSlack>>;

    async function call(
      path: string,
      init: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
      creation = false,
    ): Promise<{ status: number; text: string; json: Json; headers: Headers }> {
      const res = await foghorn.api(path, { token: config.bootstrapToken, ...init });
      const text = await res.text();
      answers.push({
        what: `${init.method ?? (init.body ? "POST" : "GET")} ${path} → ${res.status}`,
        text,
        creation,
      });
      let json: Json = {};
      try {
        json = text ? (JSON.parse(text) as Json) : {};
      } catch {}
      return { status: res.status, text, json, headers: res.headers };
    }
    async function ok(path: string, init: Parameters<typeof call>[1] = {}, status = 200, creation = false) {
      const res = await call(path, init, creation);
      assert.equal(res.status, status, `${path}: ${res.text}`);
      return res.json;
    }

    before(async () => {
      receiver = await startReceiver();
      slack = await startFakeSlack({ token: config.slackBotToken });
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
          done();
        },
      });
      const log = createLogger(
        loadConfig({ env: { FOGHORN_LOG_LEVEL: "trace" }, cwd: process.cwd(), configPath: undefined }),
        sink,
      );
      foghorn = await startTestFoghorn(backend.kind, {
        log,
        bootstrapPassword: config.bootstrapPassword,
        env: {
          FOGHORN_BOOTSTRAP_TOKEN: config.bootstrapToken,
          SMTP_HOST: "127.0.0.1",
          SMTP_PORT: "9",
          SMTP_USER: "foghorn",
          SMTP_PASSWORD: config.smtpPassword,
          SLACK_BOT_TOKEN: config.slackBotToken,
          SLACK_SIGNING_SECRET: config.slackSigningSecret,
          GITHUB_TOKEN: config.githubToken,
          GITHUB_REPOSITORY: "acme/api",
          GITHUB_API_URL: "http://127.0.0.1:9",
          GITHUB_WEBHOOK_SECRET: config.githubWebhookSecret,
          FOGHORN_AI_BASE_URL: "http://127.0.0.1:9/v1",
          FOGHORN_AI_MODEL: "canary-model",
          OPENAI_API_KEY: config.openAiKey,
          TWILIO_ACCOUNT_SID: "AC0123456789",
          TWILIO_AUTH_TOKEN: config.twilioAuthToken,
          FOGHORN_WEBHOOK_SIGNING_SECRET: config.webhookSigningSecret,
          FOGHORN_SECRET_KEY: config.secretKey,
        },
        configure: (c) => {
          c.slack.apiUrl = slack.url;
          c.twilio.from = "+15005550006";
          c.twilio.baseUrl = "http://127.0.0.1:9";
          c.auth.oidc = {
            issuer: "http://127.0.0.1:9/realms/canary",
            clientId: "foghorn",
            clientSecret: config.oidcClientSecret,
            displayName: "SSO",
            scopes: "openid profile email groups",
            groupsClaim: "groups",
            usernameClaim: "preferred_username",
            roleMapping: {},
            defaultRole: null,
            autoCreate: true,
          };
        },
      });
    });
    after(async () => {
      await foghorn?.close();
      await receiver?.close();
      await slack?.close();
    });

    test("no canary in logs, answers, errors, the audit log or the database", async () => {
      // --- secrets configured through the API, each created once (that answer may show it) ---
      const alice = uniqueName("alice");
      await ok("/api/v1/users", { body: { username: alice } }, 201);
      const pageUrl = `${receiver.url}/page/${pageKey}`;
      const method = await ok(
        `/api/v1/users/${alice}/contact-methods`,
        { body: { kind: "webhook", address: pageUrl } },
        201,
        true,
      );
      assert.equal(method.address, pageUrl, "the creating answer shows the URL whole, once");
      await ok(
        `/api/v1/users/${alice}/notification-rules`,
        { body: { contact_method_id: method.id, delay_minutes: 0 } },
        201,
      );
      const policy = uniqueName("policy");
      await ok(
        "/api/v1/escalation-policies",
        { body: { name: policy, levels: [{ targets: [{ type: "user", name: alice }] }] } },
        201,
      );
      const service = uniqueName("checkout");
      await ok("/api/v1/services", { body: { name: service } }, 201);
      await ok(`/api/v1/services/${service}`, { method: "PATCH", body: { escalation_policy: policy } });
      const integration = await ok(
        `/api/v1/services/${service}/integrations`,
        { body: { kind: "grafana", config: { hmac_secret: hmacSecret } } },
        201,
        true,
      );
      assert.deepEqual(integration.config, { hmac_secret_set: true });
      // The routing key is the sender's credential in its URL: shown to managers (senders are configured
      // with it) and looked up by value, so it is stored plain; it must never reach the log.
      logOnly.set(String(integration.routing_key), "routing-key");
      await ok(
        "/api/v1/status-page/components",
        { body: { name: uniqueName("Checkout"), services: [service] } },
        201,
      );
      const hook = await ok(
        "/api/v1/status-page/subscribers",
        { body: { kind: "webhook", target: `${receiver.url}/sub/${subscriberKey}` } },
        201,
        true,
      );
      add("subscriber-signing-secret", String(hook.secret));
      await ok(
        "/api/v1/status-page/subscribers",
        { body: { kind: "slack", target: `${receiver.url}/slack/${slackKey}`, any_url: true } },
        201,
        true,
      );
      const token = await ok("/api/v1/tokens", { body: { name: "canary", username: alice } }, 201, true);
      add("api-token", String(token.token));

      // --- editing keeps the secret and never shows it ---
      const patched = await ok(`/api/v1/integrations/${integration.id}`, {
        method: "PATCH",
        body: { name: "Grafana (renamed)", config: { hmac_secret_set: true } },
      });
      assert.deepEqual(patched.config, { hmac_secret_set: true }, "the secret is kept");

      // --- an alert pages the webhook contact method ---
      const body = grafanaBody(uniqueName("CheckoutDown"));
      const path = new URL(String(integration.url)).pathname;
      const unsigned = await fetch(`${foghorn.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-grafana-alerting-signature": "00".repeat(32) },
        body,
      });
      answers.push({ what: "grafana, bad signature", text: await unsigned.text(), creation: false });
      assert.equal(unsigned.status, 401);
      const signed = await fetch(`${foghorn.url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-grafana-alerting-signature": createHmac("sha256", hmacSecret).update(body).digest("hex"),
        },
        body,
      });
      answers.push({ what: "grafana, signed", text: await signed.text(), creation: false });
      assert.equal(signed.status, 202);
      await foghorn.alertsIdle();
      await foghorn.pagingIdle();
      const [incident] = (await ok(`/api/v1/incidents?service=${service}`)).items as Json[];
      assert.ok(incident, "the alert opened an incident");
      assert.ok(
        receiver.received.some((r) => r.path === `/page/${pageKey}`),
        "the page reached the webhook",
      );
      assert.ok(slack.callsTo("chat.postMessage").length > 0, "the incident was announced in Slack");

      // --- a status update notifies the webhook and Slack subscribers ---
      await ok(
        `/api/v1/incidents/${incident.id}/status-updates`,
        {
          body: {
            message: "Checkout is failing for some users.",
            visibility: "external",
            status: "investigating",
          },
        },
        201,
      );
      for (let i = 0; i < 200; i++) {
        await foghorn.pagingIdle();
        if (receiver.received.some((r) => r.path.startsWith("/slack/"))) break;
        if (receiver.received.some((r) => r.path.startsWith("/sub/")) && i > 20) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(
        receiver.received.some((r) => r.path === `/sub/${subscriberKey}`),
        "the webhook subscriber",
      );
      assert.ok(
        receiver.received.some((r) => r.path === `/slack/${slackKey}`),
        "the Slack subscriber",
      );
      await ok(`/api/v1/incidents/${incident.id}/acknowledge`, { method: "POST", body: {} }).catch(() => {});
      await foghorn.pagingIdle();

      // --- sign in, a failed sign-in, sign out ---
      const failed = await call("/api/v1/session", {
        token: null,
        body: { username: "admin", password: wrongPassword },
      });
      assert.equal(failed.status, 401);
      const session = await call("/api/v1/session", {
        token: null,
        body: { username: "admin", password: config.bootstrapPassword },
      });
      assert.equal(session.status, 200, session.text);
      answers[answers.length - 1] = { ...(answers.at(-1) as (typeof answers)[0]), creation: true };
      const cookie =
        session.headers
          .getSetCookie()
          .find((c) => c.startsWith("foghorn_session="))
          ?.split(";")[0] ?? "";
      add("session-cookie", cookie.split("=")[1] ?? "");
      add("csrf-token", String(session.json.csrf_token));
      const out = await call("/api/v1/session", {
        method: "DELETE",
        token: null,
        headers: { cookie, "x-csrf-token": String(session.json.csrf_token) },
      });
      assert.equal(out.status, 204);

      // --- refused requests with a canary in the body ---
      const malformed = await call("/api/v1/incidents", { body: `{"title": "${badBodyValue}` });
      assert.equal(malformed.status, 400, malformed.text);
      const badValue = await call("/api/v1/incidents", {
        body: { title: "x", severity: badBodyValue, affected_services: [badBodyValue.repeat(10)] },
      });
      assert.ok(badValue.status >= 400 && badValue.status < 500, badValue.text);
      const unknownKey = await call("/api/v1/services", { body: { name: "x", password: badBodyValue } });
      assert.ok(unknownKey.status >= 400 && unknownKey.status < 500, unknownKey.text);
      const badHook = await call(`/api/v1/users/${alice}/contact-methods`, {
        body: { kind: "webhook", address: `ftp://example.com/${badBodyValue}` },
      });
      assert.equal(badHook.status, 422, badHook.text);
      const duplicate = await call(`/api/v1/users/${alice}/contact-methods`, {
        body: { kind: "webhook", address: pageUrl },
      });
      assert.equal(duplicate.status, 409, duplicate.text);
      const duplicateSub = await call("/api/v1/status-page/subscribers", {
        body: { kind: "webhook", target: `${receiver.url}/sub/${subscriberKey}` },
      });
      assert.equal(duplicateSub.status, 409, duplicateSub.text);
      const wrongToken = await call("/api/v1/incidents", { token: `fh_${badBodyValue}` });
      assert.equal(wrongToken.status, 401);

      // --- every read operation of the API ---
      const doc = (await ok("/api/v1/openapi.json")) as { paths: Record<string, Record<string, Json>> };
      const values: Record<string, string> = {
        "/api/v1/incidents/{id}": String(incident.id),
        "/api/v1/integrations/{id}": String(integration.id),
        "/api/v1/users/{username}": alice,
        "/api/v1/services/{name}": service,
        "/api/v1/escalation-policies/{policy}": policy,
      };
      const alerts = (await ok(`/api/v1/alerts?service=${service}`)).items as Json[];
      values["/api/v1/alerts/{id}"] = String(alerts[0]?.id);
      let read = 0;
      for (const [template, operations] of Object.entries(doc.paths)) {
        if (!operations.get || template === "/api/v1/events") continue;
        let path = template;
        for (const [prefix, value] of Object.entries(values))
          if (path.startsWith(prefix))
            path = value ? prefix.replace(/\{[^}]+\}$/, value) + path.slice(prefix.length) : path;
        path = path.replace("{name}", "postmortem").replace("{section}", "mtta").replace("{version}", "1");
        if (/\{[^}]+\}/.test(path)) continue;
        await call(path);
        read++;
      }
      assert.ok(read >= 40, `read ${read} operations`);
      const audit = await call("/api/v1/audit");
      assert.equal(audit.status, 200, audit.text);

      // --- the database, every table ---
      await foghorn.statusPage.idle();
      const tables = await executeRows(
        foghorn.database.db,
        sql`select table_name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
      );
      const dump: { what: string; text: string }[] = [];
      for (const { table_name } of tables) {
        const rows = await executeRows(foghorn.database.db, sql.raw(`select * from "${String(table_name)}"`));
        dump.push({ what: `table ${String(table_name)}`, text: JSON.stringify(rows) });
      }
      assert.ok(dump.some((d) => d.what === "table audit_log"));

      // --- the sweep ---
      const leaks: string[] = [];
      const check = (what: string, text: string) => {
        for (const [value, name] of canaries)
          if (value && text.includes(value)) leaks.push(`${name} in ${what}: …${excerpt(text, value)}…`);
      };
      for (const [i, line] of lines.entries()) {
        check(`log line ${i}`, line);
        for (const [value, name] of logOnly) if (line.includes(value)) leaks.push(`${name} in log line ${i}`);
      }
      for (const a of answers) if (!a.creation) check(a.what, a.text);
      for (const d of dump) check(d.what, d.text);
      assert.deepEqual(leaks, []);
      assert.ok(lines.length > 20, "the log was captured");
      assert.ok(
        answers.filter((a) => a.creation).some((a) => a.text.includes(pageKey)),
        "the sweep would see a canary where one is shown",
      );
    });
  });
}

function excerpt(text: string, value: string): string {
  const at = text.indexOf(value);
  return text.slice(Math.max(0, at - 120), at + value.length + 40);
}
