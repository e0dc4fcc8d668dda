// The email channel through nodemailer, against a real SMTP server running in another process.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createEmailChannel } from "#integrations/email/channel.ts";
import { channelError, closedPort, outboundMessage } from "../helpers/channels.ts";
import { type SmtpProcess, startSmtpProcess } from "../helpers/smtp-process.ts";

const FROM = "Foghorn <foghorn@example.com>";

describe("email channel", () => {
  let smtp: SmtpProcess;
  before(async () => {
    smtp = await startSmtpProcess({
      reject: {
        "nobody@example.com": { code: 550, message: "5.1.1 No such user" },
        "full@example.com": { code: 452, message: "4.2.2 Mailbox full, try later" },
      },
    });
  });
  after(() => smtp.close());
  const channel = () => createEmailChannel({ host: smtp.host, port: smtp.port, from: FROM });

  test("the page arrives with its subject, body, Acknowledge/Resolve links and delivery headers", async () => {
    const message = outboundMessage("email", "alice@example.com");
    const result = await channel().send(message);
    const mail = await smtp.message(smtp.received.length - 1);

    assert.deepEqual(mail.envelope, { mailFrom: "foghorn@example.com", rcptTo: ["alice@example.com"] });
    assert.equal(mail.parsed.subject, "[SEV1] INC-42 Checkout down");
    assert.equal(mail.parsed.messageId, `<foghorn.${message.deliveryId}@example.com>`);
    assert.equal(result.providerRef?.messageId, mail.parsed.messageId);
    assert.equal(mail.parsed.headers["x-foghorn-delivery"], message.deliveryId);
    assert.equal(mail.parsed.headers["auto-submitted"], "auto-generated");

    const text = mail.parsed.text ?? "";
    assert.ok(text.startsWith(message.text), text);
    assert.ok(text.includes(`Acknowledge: ${message.actions?.acknowledgeUrl}`), text);
    assert.ok(text.includes(`Resolve: ${message.actions?.resolveUrl}`), text);
    assert.ok(text.includes("INC-42: https://foghorn.example.com/incidents/INC-42"), text);

    const html = mail.parsed.html ?? "";
    assert.ok(html.includes('<a href="https://foghorn.example.com/a/ack?t=abc&amp;sig=1"'), html);
    assert.ok(html.includes('<a href="https://foghorn.example.com/a/resolve?t=abc&amp;sig=2"'), html);
    assert.match(html, />Acknowledge<\/a>/);
  });

  test("a resend of the same delivery has the same Message-ID; another delivery does not", async () => {
    const message = outboundMessage("email", "alice@example.com", { deliveryId: "retry-me-1" });
    const before = smtp.received.length;
    await channel().send(message);
    await channel().send(message);
    await channel().send({ ...message, deliveryId: "retry-me-2" });
    // By the delivery header, not by arrival index: the server may record a message after the client got its
    // 250, so another test's message can land between ours, and ours may still be arriving.
    const ours = async () => {
      const mails = await Promise.all(
        Array.from({ length: smtp.received.length - before }, (_, i) => smtp.message(before + i)),
      );
      const ids = (delivery: string) =>
        mails
          .filter((m) => m.parsed.headers["x-foghorn-delivery"] === delivery)
          .map((m) => m.parsed.messageId);
      return { one: ids("retry-me-1"), two: ids("retry-me-2") };
    };
    let got = await ours();
    for (let tries = 0; got.one.length + got.two.length < 3 && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 20));
      got = await ours();
    }
    assert.deepEqual(got.one, ["<foghorn.retry-me-1@example.com>", "<foghorn.retry-me-1@example.com>"]);
    assert.deepEqual(got.two, ["<foghorn.retry-me-2@example.com>"]);
  });

  test("everything in the HTML is escaped; no action links without actions", async () => {
    const message = outboundMessage("email", "bob@example.com", {
      subject: "[SEV2] INC-9 <script>alert(1)</script>",
      text: 'Title: <img src=x onerror="x"> & more',
      actions: undefined,
      items: [],
    });
    await channel().send(message);
    const mail = await smtp.message(smtp.received.length - 1);
    const html = mail.parsed.html ?? "";
    assert.ok(!html.includes("<script>") && !html.includes("<img"), html);
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    assert.ok(html.includes("&lt;img src=x onerror=&quot;x&quot;&gt; &amp; more"), html);
    assert.ok(!html.includes("Acknowledge") && !(mail.parsed.text ?? "").includes("Acknowledge"));
    assert.equal(
      mail.parsed.subject,
      "[SEV2] INC-9 <script>alert(1)</script>",
      "the subject is text, not HTML",
    );
  });

  test("SMTP 550 is permanent, 4xx is transient, an unreachable server is transient", async () => {
    const rejected = await channelError(channel().send(outboundMessage("email", "nobody@example.com")));
    assert.equal(rejected.permanent, true);
    assert.match(rejected.message, /550/);

    const busy = await channelError(channel().send(outboundMessage("email", "full@example.com")));
    assert.equal(busy.permanent, false);
    assert.match(busy.message, /452/);

    const down = createEmailChannel({ host: "127.0.0.1", port: await closedPort(), from: FROM });
    const unreachable = await channelError(down.send(outboundMessage("email", "alice@example.com")));
    assert.equal(unreachable.permanent, false);
  });
});

describe("email channel with SMTP AUTH", () => {
  let smtp: SmtpProcess;
  before(async () => {
    smtp = await startSmtpProcess({ auth: { user: "foghorn", pass: "s3cret" } });
  });
  after(() => smtp.close());

  test("the right credentials deliver; wrong ones are a permanent failure", async () => {
    const good = createEmailChannel({
      host: smtp.host,
      port: smtp.port,
      from: FROM,
      user: "foghorn",
      password: "s3cret",
    });
    await good.send(outboundMessage("email", "alice@example.com"));
    assert.equal((await smtp.message(0)).parsed.subject, "[SEV1] INC-42 Checkout down");

    const bad = createEmailChannel({
      host: smtp.host,
      port: smtp.port,
      from: FROM,
      user: "foghorn",
      password: "nope",
    });
    const error = await channelError(bad.send(outboundMessage("email", "alice@example.com")));
    assert.equal(error.permanent, true);
    assert.match(error.message, /535/);
    assert.equal(smtp.received.length, 1);
  });
});
