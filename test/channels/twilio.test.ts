// SMS and voice through the real `twilio` client pointed at a local Twilio-compatible API, and the
// inbound side: Twilio's request signature, replies to a page, TwiML answers.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, afterEach, before, describe, test } from "node:test";
import { createSmsChannel, createVoiceChannel, smsBody } from "#integrations/twilio/channel.ts";
import {
  parseSmsReply,
  twimlMessage,
  twimlSay,
  verifyTwilioSignature,
} from "#integrations/twilio/inbound.ts";
import { channelError, outboundMessage } from "../helpers/channels.ts";
import { type FakeTwilio, startFakeTwilio } from "../helpers/fake-twilio.ts";

const FROM = "+15005550006";
const ALICE = "+14155550101";

let api: FakeTwilio;
before(async () => {
  api = await startFakeTwilio();
});
after(() => api.close());
afterEach(() =>
  assert.deepEqual(api.unexpected, [], "the client called something the fake does not implement"),
);

const options = () => ({
  accountSid: api.accountSid,
  authToken: api.authToken,
  from: FROM,
  baseUrl: api.url,
});

describe("SMS channel", () => {
  test("the text is the page and how to answer it, sent from the configured number", async () => {
    const result = await createSmsChannel(options()).send(outboundMessage("sms", ALICE));
    const sent = api.messages().at(-1);
    assert.equal(sent?.accountSid, api.accountSid);
    assert.deepEqual(sent?.params, {
      To: ALICE,
      From: FROM,
      Body:
        "[SEV1] INC-42 Checkout down (escalation level 2)\nService: payments\n" +
        "Reply 4 A7K to acknowledge, 6 A7K to resolve",
    });
    assert.equal(result.providerRef?.sid, sent?.sid);
    assert.match(result.providerRef?.sid ?? "", /^SM[0-9a-f]{32}$/);
  });

  test("the body: subject first, no instruction without something to answer, at most 1600 characters", () => {
    const plain = outboundMessage("sms", ALICE, {
      text: "Hand-off: you are on call now",
      actions: undefined,
      replyCode: undefined,
    });
    assert.equal(smsBody(plain), "[SEV1] INC-42 Checkout down\nHand-off: you are on call now");
    const noCode = outboundMessage("sms", ALICE, { replyCode: undefined });
    assert.match(smsBody(noCode), /\nReply 4 to acknowledge, 6 to resolve$/);
    const long = smsBody(outboundMessage("sms", ALICE, { text: "x".repeat(5000) }));
    assert.equal(long.length, 1600);
    assert.match(
      long,
      /…\nReply 4 A7K to acknowledge, 6 A7K to resolve$/,
      "the instruction survives the cut",
    );
  });

  test("Twilio's answers map to ChannelError: 429 with Retry-After and 5xx transient, other 4xx permanent", async () => {
    const sms = createSmsChannel(options());
    api.failNext(1, { status: 429, code: 20429, message: "Too Many Requests", retryAfterSeconds: 20 });
    const limited = await channelError(sms.send(outboundMessage("sms", ALICE)));
    assert.equal(limited.retryAfterMs, 20_000);
    assert.equal(limited.permanent, false);

    api.failNext(1, { status: 429, code: 20429, message: "Too Many Requests" });
    const limitedNoHeader = await channelError(sms.send(outboundMessage("sms", ALICE)));
    assert.equal(limitedNoHeader.permanent, false);
    assert.equal(limitedNoHeader.retryAfterMs, undefined);

    api.failNext(1, { status: 503, code: 20503, message: "Service Unavailable" });
    const outage = await channelError(sms.send(outboundMessage("sms", ALICE)));
    assert.equal(outage.permanent, false);
    assert.match(outage.message, /HTTP 503/);

    const badNumber = await channelError(sms.send(outboundMessage("sms", "0800-not-a-number")));
    assert.equal(badNumber.permanent, true);
    assert.match(badNumber.message, /HTTP 400 \(Twilio error 21211\).*not a valid phone number/);

    const badToken = createSmsChannel({ ...options(), authToken: "wrong" });
    const unauthorized = await channelError(badToken.send(outboundMessage("sms", ALICE)));
    assert.equal(unauthorized.permanent, true);
    assert.match(unauthorized.message, /HTTP 401/);

    const nowhere = createSmsChannel({ ...options(), baseUrl: "http://127.0.0.1:9" });
    assert.equal((await channelError(nowhere.send(outboundMessage("sms", ALICE)))).permanent, false);
  });

  test("a base URL with a trailing slash or a path prefix is honoured", async () => {
    const before = api.messages().length;
    await createSmsChannel({ ...options(), baseUrl: `${api.url}/` }).send(outboundMessage("sms", ALICE));
    assert.equal(api.messages().length, before + 1);
    await channelError(
      createSmsChannel({ ...options(), baseUrl: `${api.url}/proxy` }).send(outboundMessage("sms", ALICE)),
    );
    assert.deepEqual(api.unexpected, [
      "POST /proxy/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json",
    ]);
    api.unexpected.length = 0;
  });
});

describe("voice channel", () => {
  test("a call reads the page out with inline TwiML (XML-escaped)", async () => {
    const message = outboundMessage("voice", ALICE, {
      subject: "[SEV1] INC-42 Checkout & <payments> down",
      items: [{ notificationId: "n", reason: "page", summary: "Checkout & <payments> down" }],
      actions: undefined,
      replyCode: undefined,
    });
    const result = await createVoiceChannel(options()).send(message);
    const call = api.calls().at(-1);
    assert.equal(call?.params.To, ALICE);
    assert.equal(call?.params.From, FROM);
    assert.match(result.providerRef?.sid ?? "", /^CA[0-9a-f]{32}$/);
    const twiml = call?.params.Twiml ?? "";
    assert.ok(twiml.startsWith('<?xml version="1.0" encoding="UTF-8"?><Response><Say>'), twiml);
    assert.ok(twiml.includes("Checkout &amp; &lt;payments&gt; down"), twiml);
    assert.ok(!twiml.includes("<payments>") && !twiml.includes("<Gather"), twiml);
  });

  test("with acknowledgeUrlBase the call asks for 4 or 6 and posts the answer there with the code", async () => {
    const voice = createVoiceChannel({
      ...options(),
      acknowledgeUrlBase: "https://foghorn.example.com/webhooks/twilio/voice",
    });
    const message = outboundMessage("voice", ALICE);
    await voice.send(message);
    const twiml = api.calls().at(-1)?.params.Twiml ?? "";
    const action = /<Gather [^>]*action="([^"]+)"/.exec(twiml)?.[1]?.replace(/&amp;/g, "&");
    assert.equal(
      action,
      `https://foghorn.example.com/webhooks/twilio/voice?code=A7K&delivery=${message.deliveryId}`,
    );
    assert.match(twiml, /numDigits="1"/);
    assert.match(twiml, /Press 4 to acknowledge\. Press 6 to resolve\./);
  });

  test("errors map like SMS", async () => {
    api.failNext(1, { status: 500, code: 20500, message: "Internal Server Error" });
    assert.equal(
      (await channelError(createVoiceChannel(options()).send(outboundMessage("voice", ALICE)))).permanent,
      false,
    );
    const badNumber = await channelError(createVoiceChannel(options()).send(outboundMessage("voice", "12")));
    assert.equal(badNumber.permanent, true);
  });
});

/** Twilio's documented algorithm, written out independently of the code under test. */
function twilioSign(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac("sha1", authToken).update(data).digest("base64");
}

describe("verifyTwilioSignature", () => {
  const url = "https://foghorn.example.com/webhooks/twilio/sms";
  const params = { AccountSid: "AC1", Body: "4 A7K", From: ALICE, MessageSid: "SM1", To: FROM };
  const input = { authToken: "tok", url, params, signature: twilioSign("tok", url, params) };

  test("Twilio's signature over the URL and sorted fields verifies, also with the default port", () => {
    assert.deepEqual(verifyTwilioSignature(input), { ok: true });
    const withPort = "https://foghorn.example.com:443/webhooks/twilio/sms";
    assert.deepEqual(
      verifyTwilioSignature({ ...input, url: withPort, signature: twilioSign("tok", withPort, params) }),
      { ok: true },
    );
  });

  test("a changed field, URL, token or a missing header is refused", () => {
    for (const refused of [
      { ...input, params: { ...params, Body: "6 A7K" } },
      { ...input, url: `${url}?x=1` },
      { ...input, authToken: "other" },
      { ...input, signature: undefined },
      { ...input, authToken: "" },
    ]) {
      assert.equal(verifyTwilioSignature(refused).ok, false, JSON.stringify(refused));
    }
  });
});

describe("parseSmsReply", () => {
  const cases: [string, ReturnType<typeof parseSmsReply>][] = [
    ["4", { action: "acknowledge" }],
    ["4 A7K", { action: "acknowledge", code: "A7K" }],
    ["  4   a7k  ", { action: "acknowledge", code: "A7K" }],
    ["ack", { action: "acknowledge" }],
    ["ACK a7k", { action: "acknowledge", code: "A7K" }],
    ["Acknowledge.", { action: "acknowledge" }],
    ["6 A7K", { action: "resolve", code: "A7K" }],
    ["6", { action: "resolve" }],
    ["resolve", { action: "resolve" }],
    ["Resolve A7K!", { action: "resolve", code: "A7K" }],
  ];
  for (const [body, expected] of cases) {
    test(`${JSON.stringify(body)} → ${JSON.stringify(expected)}`, () =>
      assert.deepEqual(parseSmsReply(body), expected));
  }

  test("anything else is an error that says how to answer", () => {
    for (const body of ["", "5", "44", "ok thanks", "4 A7K extra", "46", "ack-A7K"]) {
      const reply = parseSmsReply(body);
      assert.ok("error" in reply, body);
      assert.match(reply.error, /Reply 4 .* 6 .*"4 A7K"/);
    }
  });
});

describe("TwiML answers", () => {
  test("twimlMessage answers the SMS with one escaped message", () => {
    assert.equal(
      twimlMessage("Acknowledged INC-42 <Checkout & co>"),
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acknowledged INC-42 &lt;Checkout &amp; co&gt;</Message></Response>',
    );
  });

  test("twimlSay answers the call and hangs up", () => {
    assert.equal(
      twimlSay("Acknowledged."),
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Acknowledged.</Say><Hangup/></Response>',
    );
  });
});
