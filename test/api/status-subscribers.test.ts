// Status page subscribers end to end, on both storage backends: the public subscribe form, a real SMTP
// server process receiving the confirmation and the notifications, one-click unsubscribe (RFC 8058), a
// webhook receiver checking signatures (retries, disabling after 3 failures, the contact told by email,
// re-enabling), a Slack incoming webhook, per-component subscriptions and the custom domain's paths.
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { createTransport } from "nodemailer";
import { verifyFoghornSignature } from "#integrations/webhook/channel.ts";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { seedIncidentRequest, T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type ReceivedMail, type SmtpProcess, startSmtpProcess } from "../helpers/smtp-process.ts";

type Json = Record<string, unknown>;

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}

/** A local HTTP receiver: records every request and answers with the queued statuses (then 200). */
async function startReceiver() {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        raw: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function ok(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return text ? (JSON.parse(text) as Json) : {};
}

/** A request with a Host header of our choosing (fetch does not let a test set it). */
function withHost(url: string, host: string, method: string, body?: string, type?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { host, ...(type ? { "content-type": type } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const FORM = "application/x-www-form-urlencoded";

/** A header of a raw message, unfolded (mailparser merges the List-* headers into one object). */
function rawHeader(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]?.replace(/\r?\n[ \t]+/g, " ") ?? "";
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

for (const backend of await testBackends()) {
  describe(`status page subscribers end to end (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let smtp: SmtpProcess;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const clock = new ManualClock(T0);
    let sentinels = 0;

    before(async () => {
      smtp = await startSmtpProcess();
      receiver = await startReceiver();
      foghorn = await startTestFoghorn(backend.kind, {
        clock,
        env: { SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port) },
      });
    });
    after(async () => {
      await foghorn?.close();
      await receiver?.close();
      await smtp?.close();
    });

    /**
     * Runs the status page's due jobs until none is due or running. The engine's own loop may hold some of
     * them (it runs beside the test's calls): those are waited for.
     */
    async function settle(): Promise<void> {
      for (let round = 0; round < 500; round++) {
        await foghorn.pagingIdle();
        const [row] = await executeRows(
          foghorn.database.db,
          sql`select count(*) as n from jobs where kind like 'status.%'
              and (state = 'running' or (state = 'pending' and run_at <= ${clock.now().toISOString()}::timestamptz))`,
        );
        if (Number(row?.n ?? 0) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.fail("the status page's jobs did not settle");
    }

    /**
     * Every mail Foghorn sent so far has arrived: a sentinel sent afterwards over the same server is
     * received after them (the SMTP child reports each message before accepting it).
     */
    async function mailSettled(): Promise<ReceivedMail[]> {
      await settle();
      const to = `sentinel-${++sentinels}@example.com`;
      await createTransport({ host: smtp.host, port: smtp.port, secure: false }).sendMail({
        from: "test@example.com",
        to,
        subject: "sentinel",
        text: "-",
      });
      for (let i = 0; ; i++) {
        const mail = await smtp.message(i);
        if (mail.envelope.rcptTo.includes(to)) break;
      }
      return smtp.received.filter((m) => !m.envelope.rcptTo.some((r) => r.startsWith("sentinel-")));
    }
    const mailsTo = async (address: string) =>
      (await mailSettled()).filter((m) => m.envelope.rcptTo.includes(address));

    async function declare(service: string, title: string): Promise<string> {
      const incident = await ok(
        await foghorn.api("/api/v1/incidents", {
          body: seedIncidentRequest({ affected_services: [service], title }),
        }),
        201,
      );
      return String(incident.id);
    }
    const post = async (id: string, message: string, visibility = "external", status = "investigating") => {
      clock.advance(1_000); // updates of one incident are ordered by time
      return ok(
        await foghorn.api(`/api/v1/incidents/${id}/status-updates`, {
          body: { message, visibility, status },
        }),
        201,
      );
    };

    let checkoutIncident = "";
    let checkoutComponent = "";
    let searchIncident = "";

    test("email: subscribe form → confirmation mail → confirmed → updates by mail → one-click unsubscribe", async () => {
      const checkout = uniqueName("checkout");
      const search = uniqueName("search");
      checkoutIncident = await declare(checkout, "Checkout is failing for some users");
      searchIncident = await declare(search, "Search is slow");
      const component = await ok(
        await foghorn.api("/api/v1/status-page/components", {
          body: { name: uniqueName("Checkout"), services: [checkout] },
        }),
        201,
      );
      checkoutComponent = String(component.id);
      await ok(
        await foghorn.api("/api/v1/status-page/components", {
          body: { name: uniqueName("Search"), services: [search] },
        }),
        201,
      );

      const email = `${uniqueName("reader")}@example.com`;
      const form = await fetch(`${foghorn.url}/status/subscribe`, {
        method: "POST",
        headers: { "content-type": FORM },
        body: new URLSearchParams({ email, component_ids: checkoutComponent }).toString(),
      });
      const page = await form.text();
      assert.equal(form.status, 200, page);
      assert.match(form.headers.get("content-type") ?? "", /^text\/html/);
      assert.match(page, /Check your inbox/);
      assert.ok(page.includes(email));

      const [confirmation] = await mailsTo(email);
      assert.ok(confirmation, "the confirmation mail arrived");
      assert.equal(confirmation.parsed.subject, "Confirm your subscription to Status");
      const link = /(http:\/\/\S+\/status\/subscribe\/confirm\?token=[\w-]+)/.exec(
        confirmation.parsed.text ?? "",
      )?.[1];
      assert.ok(
        link?.startsWith(`${foghorn.url}/status/subscribe/confirm?token=`),
        confirmation.parsed.text ?? "",
      );

      assert.ok(link);
      const confirmed = await fetch(link);
      const confirmedPage = await confirmed.text();
      assert.equal(confirmed.status, 200, confirmedPage);
      assert.match(confirmedPage, /You are subscribed/);
      assert.equal((await fetch(link)).status, 404, "the link works once");
      const listed = await ok(await foghorn.api("/api/v1/status-page/subscribers?kind=email&state=active"));
      const sub = (listed.subscribers as Json[]).find((s) => s.target === email);
      assert.deepEqual(sub?.component_ids, [checkoutComponent]);

      await post(checkoutIncident, "Internal: the payment provider's API returns 502", "internal");
      await post(checkoutIncident, "We are investigating failed payments at checkout.");
      await post(searchIncident, "Search results are slow.");
      const mails = await mailsTo(email);
      assert.equal(
        mails.length,
        2,
        "the confirmation and one update: no internal update, no other component",
      );
      const update = mails[1];
      assert.ok(update);
      assert.equal(update.parsed.subject, "[Investigating] Checkout is failing for some users");
      const text = update.parsed.text ?? "";
      assert.match(text, /We are investigating failed payments at checkout\./);
      assert.doesNotMatch(text, /payment provider's API/);
      assert.match(text, new RegExp(`Details: ${foghorn.url}/status/incidents/[a-z0-9]{12}`));
      const unsubscribeUrl = /^<(.+)>$/.exec(rawHeader(update.raw, "List-Unsubscribe") ?? "")?.[1] ?? "";
      assert.ok(unsubscribeUrl.startsWith(`${foghorn.url}/status/unsubscribe?token=`), unsubscribeUrl);
      assert.equal(rawHeader(update.raw, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
      assert.ok(text.includes(`Unsubscribe: ${unsubscribeUrl}`));
      assert.match(update.parsed.messageId ?? "", /^<foghorn\.[0-9a-f]{32}@localhost>$/);

      const ask = await fetch(unsubscribeUrl);
      const askPage = await ask.text();
      assert.equal(ask.status, 200);
      assert.match(askPage, /<form method="post" action="\/status\/unsubscribe\?token=/);
      // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
      const oneClick = await fetch(unsubscribeUrl, {
        method: "POST",
        headers: { "content-type": FORM },
        body: "List-Unsubscribe=One-Click",
      });
      assert.equal(oneClick.status, 200, await oneClick.text());
      await post(checkoutIncident, "A fix is being deployed.", "external", "identified");
      assert.equal((await mailsTo(email)).length, 2, "no more mail after unsubscribing");
    });

    let secret = "";
    let hookId = "";

    test("webhook: signed Statuspage-like JSON, retried on 500 with the same delivery id", async () => {
      const created = await ok(
        await foghorn.api("/api/v1/status-page/subscribers", {
          body: { kind: "webhook", target: `${receiver.url}/hook`, contact_email: "ops@example.com" },
        }),
        201,
      );
      secret = String(created.secret);
      hookId = String(created.id);
      assert.equal(created.state, "active");

      await post(checkoutIncident, "Payments work again for most users.", "external", "monitoring");
      await settle();
      const request = receiver.received.find((r) => r.path === "/hook");
      assert.ok(request, "the webhook was called");
      const signature = String(request.headers["x-foghorn-signature"]);
      const verified = verifyFoghornSignature({
        signingSecret: secret,
        header: signature,
        rawBody: request.raw,
        now: clock.now(),
      });
      assert.deepEqual(verified, { ok: true });
      assert.equal(signature.split(",")[0], `t=${request.headers["x-foghorn-timestamp"]}`);
      assert.match(String(request.headers["x-foghorn-delivery"]), /^[0-9a-f]{32}$/);
      const body = JSON.parse(request.raw) as Record<string, Json>;
      assert.match(String(body.meta?.unsubscribe), /\/status\/unsubscribe\?token=/);
      assert.equal(body.meta?.event, "incident_update");
      assert.ok(["none", "minor", "major", "critical"].includes(String(body.page?.status_indicator)));
      assert.equal(body.incident?.name, "Checkout is failing for some users");
      assert.equal(body.incident?.status, "monitoring");
      const updates = body.incident?.incident_updates as Json[];
      assert.equal(updates[0]?.body, "Payments work again for most users.");
      assert.ok(!request.raw.includes("payment provider"), "nothing internal");
      assert.equal(
        verifyFoghornSignature({
          signingSecret: "another",
          header: signature,
          rawBody: request.raw,
          now: clock.now(),
        }).ok,
        false,
      );

      receiver.received.length = 0;
      receiver.answers.push(500);
      await post(checkoutIncident, "Resolved.", "external", "resolved");
      await settle();
      assert.equal(receiver.received.length, 1);
      let state = (await ok(await foghorn.api("/api/v1/status-page/subscribers?kind=webhook")))
        .subscribers as Json[];
      assert.equal(state.find((s) => s.id === hookId)?.consecutive_failures, 1);
      clock.advance(30_000);
      await settle();
      assert.equal(receiver.received.length, 1, "a failed delivery waits a minute before the retry");
      clock.advance(30_000); // the first retry, a minute after the failure
      await settle();
      assert.equal(receiver.received.length, 2, "retried");
      assert.equal(
        receiver.received[1]?.headers["x-foghorn-delivery"],
        receiver.received[0]?.headers["x-foghorn-delivery"],
      );
      assert.equal(receiver.received[1]?.raw, receiver.received[0]?.raw);
      state = (await ok(await foghorn.api("/api/v1/status-page/subscribers?kind=webhook")))
        .subscribers as Json[];
      assert.equal(state.find((s) => s.id === hookId)?.consecutive_failures, 0, "a success resets the count");
    });

    test("webhook: 3 failures in a row disable it and tell contact_email; enabling it again works", async () => {
      receiver.received.length = 0;
      receiver.answers.push(500, 500, 503);
      await post(checkoutIncident, "Still resolved; a postmortem follows.", "external", "resolved");
      await settle();
      clock.advance(60_000); // second attempt, a minute after the first failure
      await settle();
      clock.advance(300_000); // third, five minutes after the second
      await settle();
      assert.equal(receiver.received.length, 3);
      const listed = await ok(await foghorn.api("/api/v1/status-page/subscribers?state=disabled"));
      const disabled = (listed.subscribers as Json[]).find((s) => s.id === hookId);
      assert.ok(disabled, "disabled");
      assert.equal(disabled.consecutive_failures, 3);
      assert.match(
        String(disabled.disabled_reason),
        /3 deliveries in a row failed; the last one: webhook http:\/\/127\.0\.0\.1:\d+: HTTP 503/,
      );

      const [notice] = await mailsTo("ops@example.com");
      assert.ok(notice, "the contact was told");
      assert.equal(notice.parsed.subject, "Status: status notifications to your webhook were turned off");
      assert.match(notice.parsed.text ?? "", new RegExp(`foghorn status subscriber enable ${hookId}`));

      clock.advance(60_000);
      await settle();
      assert.equal(receiver.received.length, 3, "not retried once disabled");
      await post(checkoutIncident, "Nothing for a disabled webhook.", "external", "resolved");
      await settle();
      assert.equal(receiver.received.length, 3, "a disabled subscriber gets nothing");

      const enabled = await ok(
        await foghorn.api(`/api/v1/status-page/subscribers/${hookId}/enable`, { method: "POST" }),
      );
      assert.equal(enabled.state, "active");
      assert.equal(enabled.consecutive_failures, 0);
      await post(checkoutIncident, "Postmortem published soon.", "external", "resolved");
      await settle();
      assert.equal(receiver.received.length, 4);
      assert.equal(
        JSON.parse(receiver.received[3]?.raw ?? "{}").incident.incident_updates[0].body,
        "Postmortem published soon.",
      );
      assert.equal(
        (await foghorn.api(`/api/v1/status-page/subscribers/${hookId}`, { method: "DELETE" })).status,
        204,
      );
    });

    test("Slack incoming webhook and per-component subscriptions", async () => {
      const path = `/slack/${uniqueName("T")}`;
      const bad = await foghorn.api("/api/v1/status-page/subscribers", {
        body: { kind: "slack", target: `${receiver.url}${path}` },
      });
      assert.equal(bad.status, 422);
      assert.match(((await bad.json()) as Json).detail as string, /hooks\.slack\.com/);
      await ok(
        await foghorn.api("/api/v1/status-page/subscribers", {
          body: {
            kind: "slack",
            target: `${receiver.url}${path}`,
            any_url: true,
            component_ids: [checkoutComponent],
          },
        }),
        201,
      );
      receiver.received.length = 0;
      await post(searchIncident, "Search is fast again.", "external", "resolved");
      await post(checkoutIncident, "Checkout <b>fully</b> recovered & verified.", "external", "resolved");
      await settle();
      const calls = receiver.received.filter((r) => r.path === path);
      assert.equal(calls.length, 1, "only the checkout component's incident");
      const body = JSON.parse(calls[0]?.raw ?? "{}") as {
        text: string;
        blocks: { text?: { text: string } }[];
      };
      assert.match(body.text, /\[Resolved\] Checkout is failing for some users/);
      const section = body.blocks[0]?.text?.text ?? "";
      assert.match(section, /Checkout &lt;b&gt;fully&lt;\/b&gt; recovered &amp; verified\./);
      assert.match(JSON.stringify(body.blocks), /\/status\/unsubscribe\?token=[\w-]+\|Unsubscribe/);
    });

    test("JSON clients, refusals, the custom domain's paths and the rate limit", async () => {
      clock.advance(11 * 60_000); // a new rate-limit window
      const email = `${uniqueName("json")}@example.com`;
      const json = await fetch(`${foghorn.url}/status/subscribe`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      assert.equal(json.status, 202);
      assert.equal(((await json.json()) as Json).status, "check_your_inbox");
      const unknown = await fetch(`${foghorn.url}/status/subscribe`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, component_ids: ["nosuchcompnt"] }),
      });
      assert.equal(unknown.status, 422);
      assert.match(
        ((await unknown.json()) as { errors: Json[] }).errors[0]?.message as string,
        /unknown component id "nosuchcompnt"/,
      );
      const badForm = await fetch(`${foghorn.url}/status/subscribe`, {
        method: "POST",
        headers: { "content-type": FORM },
        body: "email=nope",
      });
      assert.equal(badForm.status, 422);
      assert.match(await badForm.text(), /Email address: must be an email address such as ops@example\.com/);

      const domain = `${uniqueName("status")}.example.com`;
      await ok(
        await foghorn.api("/api/v1/status-page/settings", {
          method: "PATCH",
          body: { custom_domain: domain },
        }),
      );
      const onDomain = await withHost(
        `${foghorn.url}/subscribe`,
        domain,
        "POST",
        `email=${uniqueName("d")}%40example.com`,
        FORM,
      );
      assert.equal(onDomain.status, 200, onDomain.body);
      assert.match(onDomain.body, /Check your inbox/);
      const elsewhere = await withHost(
        `${foghorn.url}/subscribe`,
        "127.0.0.1",
        "POST",
        "email=x%40example.com",
        FORM,
      );
      assert.equal(elsewhere.status, 404, "the root paths are the status domain's only");
      const [confirmation] = await mailsTo(email);
      const token = /confirm\?token=([\w-]+)/.exec(confirmation?.parsed.text ?? "")?.[1] ?? "";
      assert.match(
        confirmation?.parsed.text ?? "",
        new RegExp(`https://${domain.replace(/\./g, "\\.")}/subscribe/confirm\\?token=`),
      );
      const confirmed = await withHost(`${foghorn.url}/subscribe/confirm?token=${token}`, domain, "GET");
      assert.equal(confirmed.status, 200, confirmed.body);
      assert.match(confirmed.body, /You are subscribed/);
      await ok(
        await foghorn.api("/api/v1/status-page/settings", { method: "PATCH", body: { custom_domain: null } }),
      );

      let limited: Response | undefined;
      for (let i = 0; i < 12 && !limited; i++) {
        const res = await fetch(`${foghorn.url}/status/subscribe`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: `${uniqueName("many")}@example.com` }),
        });
        if (res.status === 429) limited = res;
        else assert.equal(res.status, 202);
      }
      assert.ok(limited, "too many subscribe requests from one address are refused");
      assert.ok(Number(limited.headers.get("retry-after")) > 0);
    });
  });
}
