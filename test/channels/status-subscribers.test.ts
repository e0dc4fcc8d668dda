// The status page's subscriber sender against real local servers: a webhook receiver (signatures, which
// answers are permanent), a Slack-like receiver, and the SMTP server process (headers, escaped HTML).
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { SubscriberMessage } from "#app/ports.ts";
import { ManualClock } from "#domain/time.ts";
import { createGuardedFetch } from "#integrations/net/ssrf.ts";
import { createSubscriberSender } from "#integrations/status-subscribers/sender.ts";
import { verifyFoghornSignature } from "#integrations/webhook/channel.ts";
import { channelError, closedPort } from "../helpers/channels.ts";
import { type SmtpProcess, startSmtpProcess } from "../helpers/smtp-process.ts";

const message = (overrides: Partial<SubscriberMessage> = {}): SubscriberMessage => ({
  deliveryId: "0123456789abcdef0123456789abcdef",
  subject: "[Investigating] Checkout <fails> & more",
  text: "Checkout <fails> & more\n\nInvestigating: see https://status.example.com/incidents/abc?x=1&y=2\n\n--\nUnsubscribe: https://status.example.com/unsubscribe?token=t0k",
  url: "https://status.example.com/incidents/abc",
  unsubscribeUrl: "https://status.example.com/unsubscribe?token=t0k",
  payload: { meta: { event: "incident_update" }, incident: { name: "Checkout <fails>" } },
  ...overrides,
});

describe("status subscriber sender: webhook and Slack", () => {
  const received: { path: string; headers: IncomingHttpHeaders; raw: string }[] = [];
  const answers: number[] = [];
  let server: Server;
  let base: string;
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  before(async () => {
    server = createServer((req, res) => {
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
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  // The receiver runs on loopback, which the SSRF guard refuses unless security.outboundAllow names it.
  const sender = () => createSubscriberSender({ clock, fetch: createGuardedFetch({ allow: ["127.0.0.1"] }) });

  test("a webhook gets the payload signed with its secret, with timestamp and delivery headers", async () => {
    await sender().webhook?.(`${base}/hook`, "s3cret", message());
    const request = received.at(-1);
    assert.ok(request);
    assert.deepEqual(JSON.parse(request.raw), message().payload);
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["x-foghorn-delivery"], message().deliveryId);
    assert.equal(request.headers["x-foghorn-timestamp"], String(Date.parse("2026-03-02T09:00:00Z") / 1000));
    const check = (secret: string) =>
      verifyFoghornSignature({
        signingSecret: secret,
        header: String(request.headers["x-foghorn-signature"]),
        rawBody: request.raw,
        now: clock.now(),
      });
    assert.deepEqual(check("s3cret"), { ok: true });
    assert.equal(check("other").ok, false);
  });

  test("4xx is permanent, 429 and 5xx and an unreachable URL are not; errors never show the path", async () => {
    answers.push(404);
    const gone = await channelError(sender().webhook?.(`${base}/hook/secret-path`, "s", message()));
    assert.equal(gone.permanent, true);
    assert.doesNotMatch(gone.message, /secret-path/);
    answers.push(429);
    assert.equal((await channelError(sender().webhook?.(`${base}/hook`, "s", message()))).permanent, false);
    answers.push(500);
    assert.equal((await channelError(sender().webhook?.(`${base}/hook`, "s", message()))).permanent, false);
    const down = await channelError(
      sender().webhook?.(`http://127.0.0.1:${await closedPort()}/x`, "s", message()),
    );
    assert.equal(down.permanent, false);
    answers.push(404);
    const slack = await channelError(sender().slack?.(`${base}/services/T0/B0/XXXX`, message()));
    assert.equal(slack.permanent, true);
    assert.doesNotMatch(slack.message, /XXXX/);
  });

  test("Slack gets text and blocks, with Slack's control characters escaped", async () => {
    await sender().slack?.(`${base}/services/T0/B0/XXXX`, message());
    const body = JSON.parse(received.at(-1)?.raw ?? "{}") as { text: string; blocks: unknown[] };
    assert.match(body.text, /Checkout &lt;fails&gt; &amp; more/);
    const blocks = JSON.stringify(body.blocks);
    assert.match(
      blocks,
      /<https:\/\/status\.example\.com\/incidents\/abc\|\[Investigating\] Checkout &lt;fails&gt; &amp; more>/,
    );
    assert.match(blocks, /<https:\/\/status\.example\.com\/unsubscribe\?token=t0k\|Unsubscribe>/);
    assert.doesNotMatch(blocks, /\n--\n/, "the text footer is left out: the unsubscribe link has its block");
  });
});

describe("status subscriber sender: email", () => {
  let smtp: SmtpProcess;
  before(async () => {
    smtp = await startSmtpProcess({
      reject: { "nobody@example.com": { code: 550, message: "5.1.1 No such user" } },
    });
  });
  after(() => smtp.close());
  const sender = () =>
    createSubscriberSender({
      clock: new ManualClock("2026-03-02T09:00:00Z"),
      email: { host: smtp.host, port: smtp.port, from: "Status <status@example.com>" },
    });

  test("text, escaped HTML with links, Message-ID from the delivery id, one-click unsubscribe headers", async () => {
    await sender().email?.("alice@example.com", message());
    const mail = await smtp.message(smtp.received.length - 1);
    assert.deepEqual(mail.envelope.rcptTo, ["alice@example.com"]);
    assert.equal(mail.parsed.subject, "[Investigating] Checkout <fails> & more");
    assert.equal(mail.parsed.messageId, `<foghorn.${message().deliveryId}@example.com>`);
    assert.match(
      mail.raw,
      /^List-Unsubscribe: <https:\/\/status\.example\.com\/unsubscribe\?token=t0k>\r?$/m,
    );
    assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    assert.equal(mail.parsed.headers["auto-submitted"], "auto-generated");
    const html = mail.parsed.html ?? "";
    assert.ok(!html.includes("<fails>"), html);
    assert.ok(html.includes("Checkout &lt;fails&gt; &amp; more"), html);
    assert.ok(
      html.includes(
        '<a href="https://status.example.com/incidents/abc?x=1&amp;y=2">https://status.example.com/incidents/abc?x=1&amp;y=2</a>',
      ),
      html,
    );
    assert.ok(
      (mail.parsed.text ?? "").includes("Unsubscribe: https://status.example.com/unsubscribe?token=t0k"),
    );
  });

  test("no unsubscribe headers without a link; a refused address is permanent", async () => {
    const { unsubscribeUrl: _u, ...plain } = message();
    await sender().email?.("bob@example.com", plain);
    const mail = await smtp.message(smtp.received.length - 1);
    assert.doesNotMatch(mail.raw, /List-Unsubscribe/i);
    const refused = await channelError(sender().email?.("nobody@example.com", message()));
    assert.equal(refused.permanent, true);
  });
});
