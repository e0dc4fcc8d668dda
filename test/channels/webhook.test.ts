// The webhook channel against a local receiver: signed JSON, stable delivery ids, status mapping.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { after, before, beforeEach, describe, test } from "node:test";
import { ManualClock } from "#domain/time.ts";
import { createGuardedFetch } from "#integrations/net/ssrf.ts";
import {
  createWebhookChannel,
  foghornSignature,
  verifyFoghornSignature,
} from "#integrations/webhook/channel.ts";
import { ACKNOWLEDGED, channelError, closedPort, INCIDENT, outboundMessage } from "../helpers/channels.ts";

const SECRET = "whsec_test_0123456789";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

type Answer = { status: number; headers?: Record<string, string>; hang?: boolean };

let server: Server;
let base: string;
const received: Received[] = [];
const answers: Answer[] = [];

before(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    received.push({ path: req.url ?? "", headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
    const answer = answers.shift() ?? { status: 204 };
    if (answer.hang) return; // never answers: the channel's timeout must fire
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.status === 204 ? undefined : "receiver says hi");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  base = `http://127.0.0.1:${address.port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

const clock = new ManualClock("2026-11-23T10:00:00Z");
// The receiver runs on loopback, which the SSRF guard refuses unless security.outboundAllow names it.
const loopback = createGuardedFetch({ allow: ["127.0.0.1"] });
const channel = (timeoutMs?: number) =>
  createWebhookChannel({
    signingSecret: SECRET,
    clock,
    fetch: loopback,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });

describe("webhook channel", () => {
  test("a page is signed JSON with a delivery id; the receiver can verify it", async () => {
    const message = outboundMessage("webhook", `${base}/hooks/pager?team=sre`);
    const result = await channel().send(message);
    assert.deepEqual(result.providerRef, { url: message.to.address, delivery_id: message.deliveryId });

    const [request] = received;
    assert.ok(request);
    assert.equal(request.path, "/hooks/pager?team=sre");
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["x-foghorn-delivery"], message.deliveryId);
    const header = String(request.headers["x-foghorn-signature"]);
    assert.match(header, /^t=1795428000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(
      verifyFoghornSignature({ signingSecret: SECRET, header, rawBody: request.raw, now: clock.now() }),
      { ok: true },
    );
    assert.deepEqual(JSON.parse(request.raw), {
      type: "page",
      delivery_id: message.deliveryId,
      to: { username: "alice", display_name: "Alice Smith" },
      subject: message.subject,
      text: message.text,
      items: [
        {
          notification_id: "n-1",
          reason: "page",
          summary: "[SEV1] INC-42 Checkout down (escalation level 2)",
          incident: {
            id: INCIDENT.id,
            human_id: "INC-42",
            title: "Checkout down",
            severity: "SEV1",
            status: "triggered",
            url: INCIDENT.url,
          },
        },
      ],
      actions: { acknowledge_url: message.actions?.acknowledgeUrl, resolve_url: message.actions?.resolveUrl },
    });
  });

  test("a retry after a 5xx carries the same delivery id (and a fresh, valid signature)", async () => {
    const message = outboundMessage("webhook", `${base}/hooks`);
    answers.push({ status: 503 });
    const outage = await channelError(channel().send(message));
    assert.equal(outage.permanent, false);
    clock.advance(60_000);
    await channel().send(message);
    assert.equal(received.length, 2);
    const [first, second] = received;
    assert.equal(first?.headers["x-foghorn-delivery"], second?.headers["x-foghorn-delivery"]);
    assert.equal(first?.raw, second?.raw, "the same body");
    for (const r of received) {
      const header = String(r.headers["x-foghorn-signature"]);
      assert.deepEqual(
        verifyFoghornSignature({ signingSecret: SECRET, header, rawBody: r.raw, now: clock.now() }),
        {
          ok: true,
        },
      );
    }
  });

  test("429 and 503 honour Retry-After (seconds or a date); 408 is transient", async () => {
    answers.push({ status: 429, headers: { "retry-after": "12" } });
    const limited = await channelError(channel().send(outboundMessage("webhook", `${base}/h`)));
    assert.equal(limited.retryAfterMs, 12_000);
    assert.equal(limited.permanent, false);

    const in90s = new Date(clock.now().getTime() + 90_000).toUTCString();
    answers.push({ status: 503, headers: { "retry-after": in90s } });
    assert.equal(
      (await channelError(channel().send(outboundMessage("webhook", `${base}/h`)))).retryAfterMs,
      90_000,
    );

    answers.push({ status: 408 });
    assert.equal(
      (await channelError(channel().send(outboundMessage("webhook", `${base}/h`)))).permanent,
      false,
    );
  });

  test("other 4xx and redirects are permanent; a redirect is not followed", async () => {
    for (const status of [400, 401, 404, 410, 422]) {
      answers.push({ status });
      const error = await channelError(channel().send(outboundMessage("webhook", `${base}/h`)));
      assert.equal(error.permanent, true, String(status));
      assert.match(error.message, new RegExp(`HTTP ${status}`));
    }
    received.length = 0;
    answers.push({ status: 302, headers: { location: `${base}/elsewhere` } });
    const redirect = await channelError(channel().send(outboundMessage("webhook", `${base}/old`)));
    assert.equal(redirect.permanent, true);
    assert.match(redirect.message, /redirects are not followed/);
    assert.deepEqual(
      received.map((r) => r.path),
      ["/old"],
    );
  });

  test("no answer in time, or nobody listening, is transient; a non-http address is permanent", async () => {
    answers.push({ status: 200, hang: true });
    const slow = await channelError(channel(200).send(outboundMessage("webhook", `${base}/slow`)));
    assert.equal(slow.permanent, false);
    assert.match(slow.message, /no answer within 200 ms/);

    const refused = await channelError(
      channel().send(outboundMessage("webhook", `http://127.0.0.1:${await closedPort()}/h`)),
    );
    assert.equal(refused.permanent, false);
    assert.match(refused.message, /ECONNREFUSED/);

    for (const address of ["ftp://example.com/x", "not a url"]) {
      assert.equal((await channelError(channel().send(outboundMessage("webhook", address)))).permanent, true);
    }
  });

  test("update() posts page.updated to the page's URL", async () => {
    const message = outboundMessage("webhook", `${base}/hooks`);
    const { providerRef } = await channel().send(message);
    await channel().update?.(providerRef ?? {}, ACKNOWLEDGED, "delivery-of-the-update");
    const request = received[1];
    assert.equal(request?.path, "/hooks");
    assert.equal(request?.headers["x-foghorn-delivery"], "delivery-of-the-update");
    assert.deepEqual(JSON.parse(request?.raw ?? "{}"), {
      type: "page.updated",
      delivery_id: "delivery-of-the-update",
      page_delivery_id: message.deliveryId,
      state: "acknowledged",
      text: "Acknowledged by bob at 10:02 UTC",
      incident: {
        id: INCIDENT.id,
        human_id: "INC-42",
        title: "Checkout down",
        severity: "SEV1",
        status: "acknowledged",
        url: INCIDENT.url,
      },
    });
    const header = String(request?.headers["x-foghorn-signature"]);
    assert.equal(
      verifyFoghornSignature({ signingSecret: SECRET, header, rawBody: request?.raw ?? "", now: clock.now() })
        .ok,
      true,
    );
  });
});

describe("verifyFoghornSignature", () => {
  const body = '{"type":"page","delivery_id":"d1"}';
  const now = new Date("2026-11-23T10:00:00Z");
  const t = now.getTime() / 1000;
  const header = foghornSignature(SECRET, body, t);

  test("refuses a tampered body, another secret, a replay and malformed headers", () => {
    const check = (h: string | undefined, rawBody = body, at = now) =>
      verifyFoghornSignature({ signingSecret: SECRET, header: h, rawBody, now: at });
    assert.deepEqual(check(header), { ok: true });
    assert.deepEqual(check(header, body, new Date(now.getTime() + 300_000)), { ok: true });
    const replay = check(header, body, new Date(now.getTime() + 301_000));
    assert.ok(!replay.ok && /replay/.test(replay.reason));
    assert.equal(check(header, body.replace("d1", "d2")).ok, false);
    assert.equal(check(foghornSignature("other", body, t)).ok, false);
    assert.equal(check(undefined).ok, false);
    assert.equal(check(`t=${t}`).ok, false);
    assert.equal(check(header.replace(/^t=\d+,/, "")).ok, false);
    // A signature made at another time does not verify under this t.
    assert.equal(check(`t=${t},${foghornSignature(SECRET, body, t - 1).split(",")[1]}`).ok, false);
  });

  test("accepts any matching v1 while a secret is rotated", () => {
    const old = foghornSignature("old-secret", body, t).split(",")[1];
    const current = header.split(",")[1];
    assert.deepEqual(
      verifyFoghornSignature({
        signingSecret: SECRET,
        header: `t=${t},${old},${current}`,
        rawBody: body,
        now,
      }),
      { ok: true },
    );
  });
});
