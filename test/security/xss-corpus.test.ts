// The XSS corpus (test/fixtures/xss-corpus.txt) through every rendered surface (issue 10): each payload is
// an incident title, a description, a note, a public status update, a status page component, a service name
// (where the name rules let it through) and part of a postmortem, entered through the API of a real server.
// Then, in one Chromium (Debian's, with the Content-Security-Policy bypassed so the escaping alone must hold):
// the incident list, an incident, its postmortem and the server-rendered status page run no payload and show
// them as text; the page's email (HTML and text, as the email channel renders it) and a status notification
// mail likewise; and every Slack message Foghorn sent (announcements, the page, the status notification to a
// Slack incoming webhook) escapes &, < and > so `<!channel>` and `<http://evil|click>` arrive as text. The
// status page's own corpus test (test/browser/status-page-xss.test.ts) covers renderSite field by field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { renderEmail } from "#integrations/email/channel.ts";
import { createSlackChannel } from "#integrations/slack/channel.ts";
import { renderSubscriberEmail } from "#integrations/status-subscribers/sender.ts";
import {
  ADMIN_PASSWORD,
  browserUnavailable,
  CHROMIUM,
  ensureWebBuild,
  launchBrowser,
  signIn,
} from "../browser/harness.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startFakeSlack } from "../helpers/fake-slack.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { RecordingChannel } from "../oncall/harness.ts";

type Json = Record<string, unknown>;

export const XSS_CORPUS: readonly string[] = readFileSync(
  resolve(import.meta.dirname, "../fixtures/xss-corpus.txt"),
  "utf8",
)
  .split("\n")
  .filter((line) => line !== "" && !line.startsWith("#"));

const unavailable = browserUnavailable();
if (unavailable && process.env.CI === "true") {
  test("Chromium is installed for the browser tests", () => {
    assert.fail(`${CHROMIUM} is missing; CI must install Debian's chromium (apt-get install -y chromium)`);
  });
}

/** A local receiver standing in for a Slack incoming webhook. */
async function startReceiver() {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What a page in Chromium shows of script: markers set by the init script, handlers, foreign scripts. */
async function scriptState(page: Page, origin: string) {
  return (await page.evaluate(`(() => ({
    fired: window.__xss ?? [],
    handlers: [...document.querySelectorAll("*")].flatMap((e) =>
      [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + " " + a.name)),
    scripts: [...document.scripts].filter((s) => !s.src || !s.src.startsWith(${JSON.stringify(origin)}))
      .map((s) => s.outerHTML.slice(0, 120)),
    embeds: document.querySelectorAll("iframe, object, embed, meta[http-equiv=refresh]").length,
    urls: [...document.querySelectorAll("[href], [src], [action], [formaction]")].flatMap((e) =>
      ["href", "src", "action", "formaction"].map((n) => e.getAttribute(n) ?? ""))
      .filter((u) => /^\\s*(javascript|data|vbscript):/i.test(u)),
  }))()`)) as { fired: string[]; handlers: string[]; scripts: string[]; embeds: number; urls: string[] };
}

const NO_SCRIPT = { fired: [], handlers: [], scripts: [], embeds: 0, urls: [] };
const normalize = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * The places in a Slack message where Slack reads mrkdwn: the top-level text (notifications) and every
 * `mrkdwn` text object of the blocks. (plain_text objects are shown as they are.)
 */
function mrkdwnTexts(message: Json): string[] {
  const out: string[] = [];
  if (typeof message.text === "string") out.push(message.text);
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Json;
      if (o.type === "mrkdwn" && typeof o.text === "string") out.push(o.text);
      for (const value of Object.values(o)) walk(value);
    }
  };
  walk(message.blocks);
  return out;
}

/** Slack control sequences in mrkdwn other than links to `own` (Foghorn's links): what a payload injected. */
function injectedControls(text: string, own: string): string[] {
  const controls = [...text.matchAll(/<[^>]*>/g)].map((m) => m[0]).filter((c) => !c.startsWith(`<${own}`));
  const bareAmpersands = [...text.matchAll(/&(?!amp;|lt;|gt;)/g)].map(() => "& unescaped");
  return [...controls, ...bareAmpersands];
}

const decodeMrkdwn = (text: string) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("XSS corpus through the UI, status page, email and Slack", { skip: unavailable ?? false }, () => {
  let foghorn: TestFoghorn;
  let browser: Browser;
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const email = new RecordingChannel("email", { now: () => new Date() });
  let gallery = "";
  const acceptedServiceNames: string[] = [];

  async function ok(path: string, init: { method?: string; body?: unknown } = {}, status?: number) {
    const res = await foghorn.api(path, init);
    const text = await res.text();
    const expected = status ?? (init.body === undefined || init.method === "PUT" ? 200 : 201);
    assert.equal(res.status, expected, `${init.method ?? (init.body ? "POST" : "GET")} ${path}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Json;
  }

  before(async () => {
    ensureWebBuild();
    slack = await startFakeSlack({ users: ["U0ALICE"] });
    receiver = await startReceiver();
    foghorn = await startTestFoghorn("pglite", {
      bootstrapPassword: ADMIN_PASSWORD,
      env: { SLACK_BOT_TOKEN: slack.token },
      configure: (c) => {
        c.slack.apiUrl = slack.url;
      },
      channels: { email, slack: createSlackChannel({ token: slack.token, apiUrl: slack.url }) },
    });
    browser = await launchBrowser();

    // The people and service a SEV1 pages (by email and Slack), on the status page.
    const alice = uniqueName("alice");
    await ok("/api/v1/users", { body: { username: alice } });
    await ok(`/api/v1/users/${alice}/contact-methods`, {
      body: { kind: "email", address: "alice@example.com" },
    });
    await ok(`/api/v1/users/${alice}/contact-methods`, { body: { kind: "slack", address: "U0ALICE" } });
    const policy = uniqueName("policy");
    await ok("/api/v1/escalation-policies", {
      body: { name: policy, levels: [{ targets: [{ type: "user", name: alice }] }] },
    });
    const service = uniqueName("xss-checkout");
    await ok("/api/v1/services", { body: { name: service } });
    await ok(`/api/v1/services/${service}`, { method: "PATCH", body: { escalation_policy: policy } }, 200);
    await ok("/api/v1/status-page/components", {
      body: { name: XSS_CORPUS[0], description: XSS_CORPUS[1], services: [service] },
    });
    await ok("/api/v1/status-page/subscribers", {
      body: { kind: "slack", target: `${receiver.url}/slack`, any_url: true },
    });

    for (const [i, payload] of XSS_CORPUS.entries()) {
      // Service names allow letters, digits, space and . _ - : / only: the rest is refused, not stored.
      const named = await foghorn.api("/api/v1/services", { body: { name: payload } });
      if (named.status === 201) acceptedServiceNames.push(payload);
      else assert.equal(named.status, 422, await named.text());
      if (i > 1)
        await ok("/api/v1/status-page/components", { body: { name: payload, description: payload } });
      await ok("/api/v1/incidents", {
        body: { title: payload, severity: "SEV3", description: payload, affected_services: [service] },
      });
    }
    assert.deepEqual(acceptedServiceNames, XSS_CORPUS.slice(-2), "the payloads that are valid service names");

    // The gallery: one SEV1 incident holding every payload as a note, a public update and its postmortem.
    const incident = await ok("/api/v1/incidents", {
      body: {
        title: `Gallery ${XSS_CORPUS[0]}`,
        severity: "SEV1",
        description: XSS_CORPUS.join("\n\n"),
        affected_services: [service, ...acceptedServiceNames.slice(0, 5)],
      },
    });
    gallery = String(incident.id);
    for (const payload of XSS_CORPUS) {
      await ok(`/api/v1/incidents/${gallery}/notes`, { body: { text: payload } });
      await ok(`/api/v1/incidents/${gallery}/status-updates`, {
        body: { message: payload, visibility: "external", status: "investigating" },
      });
    }
    await foghorn.pagingIdle();
    await ok(`/api/v1/incidents/${gallery}/status`, { body: { status: "resolved" } }, 200);
    const started = await ok(`/api/v1/incidents/${gallery}/postmortem`, { body: {} });
    const all = XSS_CORPUS.join("\n\n");
    await ok(`/api/v1/incidents/${gallery}/postmortem`, {
      method: "PUT",
      body: {
        version: started.version,
        sections: {
          summary: all,
          root_cause: XSS_CORPUS.map((p) => `- ${p}`).join("\n"),
          five_whys: XSS_CORPUS.slice(0, 5).map((p) => ({ why: p, because: p })),
          lessons_learned: all,
          impact: { customers: XSS_CORPUS[2], symptom: XSS_CORPUS[3] },
        },
      },
    });
    await foghorn.pagingIdle();
    await foghorn.statusPage.refresh();
  });
  after(async () => {
    await browser?.close();
    await foghorn?.close();
    await slack?.close();
    await receiver?.close();
  });

  async function context(): Promise<BrowserContext> {
    const ctx = await browser.newContext({ bypassCSP: true });
    ctx.setDefaultTimeout(10_000);
    await ctx.addInitScript(`window.__xss = [];
      for (const name of ["alert", "confirm", "prompt"]) window[name] = (m) => { window.__xss.push(String(m)); };`);
    return ctx;
  }

  test("the web UI (list, incident, postmortem) and the status page show the payloads as text", async () => {
    const ctx = await context();
    const dialogs: string[] = [];
    const foreign: string[] = [];
    const origin = foghorn.url.replace(/\/$/, "");
    await ctx.route("**/*", (route) => {
      const url = route.request().url();
      if (!url.startsWith(origin)) {
        foreign.push(url);
        return route.abort();
      }
      return route.continue();
    });
    try {
      const page = await ctx.newPage();
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await signIn(page, { url: origin, token: foghorn.token, api: foghorn.api, close: async () => {} });

      await page.goto(`${origin}/incidents`);
      await page
        .getByText(XSS_CORPUS[3] as string, { exact: true })
        .first()
        .waitFor();
      assert.deepEqual(await scriptState(page, origin), NO_SCRIPT, "incident list");
      const list = normalize((await page.evaluate("document.body.innerText")) as string);
      for (const payload of XSS_CORPUS.slice(-12))
        assert.ok(list.includes(normalize(payload)), `the list shows the title ${payload} as text`);

      await page.goto(`${origin}/incidents/${gallery}`);
      await page.getByText(`Gallery ${XSS_CORPUS[0]}`).first().waitFor();
      await page.waitForLoadState("networkidle");
      assert.deepEqual(await scriptState(page, origin), NO_SCRIPT, "incident page");
      const detail = normalize((await page.evaluate("document.body.innerText")) as string);
      for (const payload of [XSS_CORPUS[0], XSS_CORPUS[1], XSS_CORPUS[2], XSS_CORPUS[25]] as string[])
        assert.ok(detail.includes(normalize(payload)), `the incident page shows ${payload} as text`);

      await page.goto(`${origin}/incidents/${gallery}/postmortem`);
      await page.waitForLoadState("networkidle");
      await page.getByText("xss-26").first().waitFor();
      assert.deepEqual(await scriptState(page, origin), NO_SCRIPT, "postmortem page");

      // The status page, rendered on the server from the snapshot.
      const raw = await (await fetch(`${origin}/status`)).text();
      assert.ok(!raw.includes('<script>alert("xss-1")'), "the status page HTML escapes <script>");
      await page.goto(`${origin}/status`);
      assert.deepEqual(await scriptState(page, origin), NO_SCRIPT, "status page");
      const status = normalize((await page.evaluate("document.body.innerText")) as string);
      for (const payload of XSS_CORPUS.slice(2, 8))
        assert.ok(status.includes(normalize(payload)), `the status page shows ${payload} as text`);
      const incidentLink = await page
        .locator(`a[href*="/incidents/"]`)
        .filter({ hasText: "Gallery" })
        .first()
        .getAttribute("href");
      assert.ok(incidentLink, "the gallery incident is on the status page");
      await page.goto(new URL(incidentLink, `${origin}/status/`).href);
      assert.deepEqual(await scriptState(page, origin), NO_SCRIPT, "status incident page");
      const updates = normalize((await page.evaluate("document.body.innerText")) as string);
      for (const payload of XSS_CORPUS)
        assert.ok(updates.includes(normalize(payload)), `the status incident page shows ${payload} as text`);

      assert.deepEqual(dialogs, [], "no dialog opened");
      assert.deepEqual(foreign, [], "nothing was fetched from elsewhere");
    } finally {
      await ctx.close();
    }
  });

  test("email: the page and a status notification escape every payload in HTML and keep it in text", async () => {
    const paged = email.sent.find((s) => s.message.subject.includes("Gallery"));
    assert.ok(paged, "the SEV1 gallery incident paged by email");
    const subscriberMail = renderSubscriberEmail({
      deliveryId: "d-1",
      subject: `Status: ${XSS_CORPUS[0]}`,
      text: XSS_CORPUS.join("\n"),
      url: `${foghorn.url}/status/incidents/x`,
      unsubscribeUrl: `${foghorn.url}/status/unsubscribe?token=t`,
      payload: {},
    });
    const pageMail = renderEmail({
      ...paged.message,
      text: XSS_CORPUS.join("\n"),
      items: paged.message.items.map((item) => ({ ...item, summary: XSS_CORPUS.join(" ") })),
    });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      for (const [what, mail, title] of [
        ["the page as sent", renderEmail(paged.message), `Gallery ${XSS_CORPUS[0]}`],
        ["a page carrying every payload", pageMail, ""],
        ["a status notification", subscriberMail, ""],
      ] as const) {
        await page.setContent(mail.html, { waitUntil: "load" });
        await page.waitForTimeout(20);
        assert.deepEqual(await scriptState(page, "http://nowhere.invalid"), NO_SCRIPT, what);
        const shown = normalize((await page.evaluate("document.body.innerText")) as string);
        if (title) assert.ok(shown.includes(normalize(title)), `${what}: the title reads as text`);
        else
          for (const payload of XSS_CORPUS)
            assert.ok(shown.includes(normalize(payload)), `${what}: ${payload} reads as text`);
        if (title) assert.ok(mail.text.includes(title), `${what}: the text body has the title verbatim`);
        else
          for (const payload of XSS_CORPUS)
            assert.ok(mail.text.includes(payload), `${what} text: ${payload}`);
      }
      assert.deepEqual(dialogs, []);
    } finally {
      await ctx.close();
    }
  });

  test("Slack: announcements, the page and the status notification escape &, < and >", async () => {
    const own = foghorn.url.replace(/\/$/, "");
    const messages: { what: string; message: Json }[] = [
      ...slack.calls
        .filter((c) => c.method === "chat.postMessage" || c.method === "chat.update")
        .map((c) => ({ what: `${c.method} ${String(c.args.channel)}`, message: c.args })),
      ...receiver.bodies.map((b) => ({
        what: "status notification (incoming webhook)",
        message: JSON.parse(b) as Json,
      })),
    ];
    assert.ok(
      messages.some((m) => m.what.startsWith("chat.postMessage U0ALICE")),
      "the page went to Slack",
    );
    assert.ok(
      messages.some((m) => m.what.startsWith("status notification")),
      "the status notification too",
    );
    assert.ok(messages.length > XSS_CORPUS.length, "every incident was announced");
    const injected: string[] = [];
    const decoded: string[] = [];
    for (const { what, message } of messages)
      for (const text of mrkdwnTexts(message)) {
        for (const control of injectedControls(text, own)) injected.push(`${what}: ${control}`);
        decoded.push(decodeMrkdwn(text));
      }
    assert.deepEqual(injected, [], "no payload became a Slack control sequence");
    const all = decoded.join("\n");
    for (const payload of [
      "<!channel> xss-26 <!here> <!everyone>",
      "<http://evil.example/xss-27|click here>",
    ])
      assert.ok(all.includes(payload), `${payload} arrives as text`);
  });
});
