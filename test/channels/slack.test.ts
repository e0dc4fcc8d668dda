// The Slack channel and announcer through the real @slack/web-api WebClient, against a local Slack API.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { createSlackAnnouncer, incidentChannelName } from "#integrations/slack/announcer.ts";
import { createSlackChannel } from "#integrations/slack/channel.ts";
import { ACKNOWLEDGED, channelError, closedPort, INCIDENT, outboundMessage } from "../helpers/channels.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";

let slack: FakeSlack;
before(async () => {
  slack = await startFakeSlack({ users: ["U0ALICE", "U0BOB", "U0CAROL"] });
});
after(() => slack.close());
afterEach(() => {
  assert.deepEqual(slack.unexpected, [], "the code called a Slack method the test did not expect");
});

type Block = {
  type: string;
  block_id?: string;
  elements?: Record<string, unknown>[];
  text?: { text: string };
};

function blocksOf(value: unknown[]): Block[] {
  return value.map((b) => {
    assert.ok(typeof b === "object" && b !== null && "type" in b);
    return b as Block;
  });
}

describe("Slack channel", () => {
  const channel = () => createSlackChannel({ token: slack.token, apiUrl: slack.url });

  test("a page is a DM with the summary, a link to the incident and Acknowledge/Resolve buttons", async () => {
    const message = outboundMessage("slack", "U0ALICE");
    const result = await channel().send(message);

    const call = slack.callsTo("chat.postMessage").at(-1);
    assert.equal(call?.args.channel, "U0ALICE");
    assert.equal(call?.token, slack.token);
    const ref = result.providerRef;
    assert.equal(ref?.channel, "D0ALICE", "the DM's id, as Slack answered it");
    assert.match(ref?.ts ?? "", /^\d+\.\d{6}$/);

    const shown = slack.message(ref?.channel ?? "", ref?.ts ?? "");
    assert.ok(shown, "the message is in the DM");
    assert.equal(shown.text, message.text, "the notification text is the complete body");
    const blocks = blocksOf(shown.blocks);
    const section = blocks.find((b) => b.type === "section");
    assert.equal(section?.text?.text, "[SEV1] INC-42 Checkout down (escalation level 2)");
    const context = blocks.find((b) => b.type === "context");
    assert.match(
      JSON.stringify(context),
      /<https:\/\/foghorn\.example\.com\/incidents\/INC-42\|Open INC-42 in Foghorn>/,
    );
    const buttons = blocks.find((b) => b.type === "actions")?.elements ?? [];
    assert.deepEqual(
      buttons.map((b) => [b.action_id, b.value, (b.text as { text: string }).text]),
      [
        ["foghorn_ack", INCIDENT.id, "Acknowledge"],
        ["foghorn_resolve", INCIDENT.id, "Resolve"],
      ],
    );
  });

  test("update() replaces the buttons by the news, on the same message", async () => {
    const sent = await channel().send(outboundMessage("slack", "U0BOB"));
    const ref = sent.providerRef ?? {};
    await channel().update?.(ref, ACKNOWLEDGED, "delivery-update-1");

    const shown = slack.message(ref.channel ?? "", ref.ts ?? "");
    assert.equal(shown?.history.length, 2, "posted once, edited once");
    const blocks = blocksOf(shown?.blocks ?? []);
    assert.equal(blocks.filter((b) => b.type === "actions").length, 0, "no buttons left");
    assert.match(JSON.stringify(blocks), /Acknowledged by bob at 10:02 UTC/);
    assert.match(shown?.text ?? "", /^INC-42: Acknowledged by bob/);
  });

  test("mrkdwn control characters in titles are escaped; no buttons without actions", async () => {
    const message = outboundMessage("slack", "U0CAROL", {
      subject: "[SEV1] INC-43 <!channel> & friends",
      text: "x",
      items: [{ notificationId: "n", reason: "reminder", summary: "[SEV1] INC-43 <!channel> & friends" }],
      actions: undefined,
    });
    const { providerRef } = await channel().send(message);
    const blocks = blocksOf(slack.message(providerRef?.channel ?? "", providerRef?.ts ?? "")?.blocks ?? []);
    assert.equal(blocks[0]?.text?.text, "[SEV1] INC-43 &lt;!channel&gt; &amp; friends");
    assert.equal(blocks.filter((b) => b.type === "actions").length, 0);
  });

  test("a 429 is a ChannelError with Retry-After, and the client does not retry or sleep on its own", async () => {
    const before = slack.calls.length;
    slack.rateLimitNext(1, 30);
    const started = performance.now();
    const error = await channelError(channel().send(outboundMessage("slack", "U0ALICE")));
    assert.equal(error.retryAfterMs, 30_000);
    assert.equal(error.permanent, false);
    assert.equal(slack.calls.length - before, 1, "one request, no retry inside the client");
    assert.ok(performance.now() - started < 5_000, "did not wait out the Retry-After");
    await channel().send(outboundMessage("slack", "U0ALICE"));
  });

  test("Slack's permanent refusals are permanent; outages are transient", async () => {
    const unknownUser = await channelError(channel().send(outboundMessage("slack", "U0NOBODY")));
    assert.equal(unknownUser.permanent, true);
    assert.match(unknownUser.message, /channel_not_found/);

    const badToken = createSlackChannel({ token: "xoxb-revoked", apiUrl: slack.url });
    const auth = await channelError(badToken.send(outboundMessage("slack", "U0ALICE")));
    assert.equal(auth.permanent, true);
    assert.match(auth.message, /invalid_auth/);

    slack.errorNext(1, "user_not_found");
    assert.equal((await channelError(channel().send(outboundMessage("slack", "U0ALICE")))).permanent, true);

    slack.failNext(1, 503);
    const outage = await channelError(channel().send(outboundMessage("slack", "U0ALICE")));
    assert.equal(outage.permanent, false);
    assert.equal(outage.retryAfterMs, undefined);

    slack.errorNext(1, "internal_error");
    assert.equal((await channelError(channel().send(outboundMessage("slack", "U0ALICE")))).permanent, false);

    const notAUser = await channelError(channel().send(outboundMessage("slack", "alice@example.com")));
    assert.equal(notAUser.permanent, true);

    const nowhere = createSlackChannel({
      token: slack.token,
      apiUrl: `http://127.0.0.1:${await closedPort()}/api/`,
    });
    assert.equal((await channelError(nowhere.send(outboundMessage("slack", "U0ALICE")))).permanent, false);
  });

  test("update() of a message Slack no longer has is permanent; a 429 carries Retry-After", async () => {
    const gone = await channelError(
      channel().update?.({ channel: "D0ALICE", ts: "1.000001" }, ACKNOWLEDGED, "d") ?? Promise.resolve(),
    );
    assert.equal(gone.permanent, true);
    assert.match(gone.message, /message_not_found/);

    const sent = await channel().send(outboundMessage("slack", "U0ALICE"));
    slack.rateLimitNext(1, 2);
    const limited = await channelError(
      channel().update?.(sent.providerRef ?? {}, ACKNOWLEDGED, "d") ?? Promise.resolve(),
    );
    assert.equal(limited.retryAfterMs, 2_000);
  });
});

describe("Slack announcer", () => {
  const incident = {
    ...INCIDENT,
    humanId: "INC-7",
    title: "API timeout",
    severity: "SEV2",
    status: "investigating",
    commander: "alice",
    services: ["api", "payments"],
  };
  const idOf = (name: string) => [...slack.channels.values()].find((c) => c.name === name)?.id;

  test("SEV1/SEV2 go to #incidents as `[SEV2] <title>` with the details in blocks", async () => {
    const announcer = createSlackAnnouncer({ token: slack.token, apiUrl: slack.url });
    const ref = await announcer.announce(incident);
    assert.equal(ref.channel, idOf("incidents"));
    assert.equal(slack.callsTo("chat.postMessage").at(-1)?.args.channel, "#incidents");
    const shown = slack.message(ref.channel, ref.ts);
    assert.equal(shown?.text, "[SEV2] API timeout");
    const json = JSON.stringify(shown?.blocks);
    for (const expected of [
      "*Severity*\\nSEV2",
      "*Status*\\ninvestigating",
      "*Commander*\\nalice",
      "api, payments",
    ]) {
      assert.ok(json.includes(expected), `${expected} in ${json}`);
    }
    assert.ok(json.includes(`<${INCIDENT.url}|INC-7>`), "links to the incident");
  });

  test("SEV3/SEV4 go to #incidents-low; channels are configurable", async () => {
    const announcer = createSlackAnnouncer({ token: slack.token, apiUrl: slack.url });
    const low = await announcer.announce({ ...incident, severity: "SEV3", commander: null, services: [] });
    assert.equal(low.channel, idOf("incidents-low"));
    assert.match(JSON.stringify(slack.message(low.channel, low.ts)?.blocks), /_none yet_/);

    const custom = createSlackAnnouncer({
      token: slack.token,
      apiUrl: slack.url,
      channels: { low: "#incidents" },
    });
    assert.equal((await custom.announce({ ...incident, severity: "SEV4" })).channel, idOf("incidents"));
  });

  test("status changes go in the thread, and the declaration is updated in place", async () => {
    const announcer = createSlackAnnouncer({ token: slack.token, apiUrl: slack.url });
    const ref = await announcer.announce(incident);
    await announcer.postInThread(ref, "Status: investigating → mitigated (by alice) <script>");
    const reply = slack.callsTo("chat.postMessage").at(-1);
    assert.equal(reply?.args.thread_ts, ref.ts);
    assert.equal(reply?.args.channel, ref.channel);
    assert.equal(reply?.args.text, "Status: investigating → mitigated (by alice) &lt;script&gt;");

    await announcer.updateAnnouncement(ref, { ...incident, status: "mitigated" });
    const shown = slack.message(ref.channel, ref.ts);
    assert.equal(shown?.history.length, 2);
    assert.match(JSON.stringify(shown?.blocks), /\*Status\*\\nmitigated/);
  });

  test("a dedicated channel is created, its topic set and the responders invited", async () => {
    const plain = createSlackAnnouncer({ token: slack.token, apiUrl: slack.url });
    assert.equal(plain.createIncidentChannel, undefined, "only offered when dedicatedChannels is on");

    const announcer = createSlackAnnouncer({
      token: slack.token,
      apiUrl: slack.url,
      dedicatedChannels: true,
    });
    const inc42 = { number: 42, humanId: "INC-42", title: "API timeout" };
    const id = await announcer.createIncidentChannel?.(inc42, ["U0ALICE", "U0BOB"]);
    const created = slack.channels.get(id ?? "");
    assert.equal(created?.name, "inc-42-api-timeout");
    assert.equal(created?.topic, "INC-42 API timeout");
    assert.ok(created?.members.has("U0ALICE") && created.members.has("U0BOB"));

    // Someone unknown among the invitees does not stop the others (force); nobody invited, no call.
    const other = await announcer.createIncidentChannel?.({ number: 43, humanId: "INC-43", title: "db" }, [
      "U0CAROL",
      "U0GHOST",
    ]);
    assert.ok(slack.channels.get(other ?? "")?.members.has("U0CAROL"));
    const invites = slack.callsTo("conversations.invite").length;
    await announcer.createIncidentChannel?.({ number: 44, humanId: "INC-44", title: "quiet" }, []);
    assert.equal(slack.callsTo("conversations.invite").length, invites);

    const taken = await channelError(announcer.createIncidentChannel?.(inc42, []) ?? Promise.resolve());
    assert.equal(taken.permanent, true);
    assert.match(taken.message, /name_taken/);
  });

  test("a rate-limited announcement carries Retry-After", async () => {
    const announcer = createSlackAnnouncer({ token: slack.token, apiUrl: slack.url });
    slack.rateLimitNext(1, 7);
    assert.equal((await channelError(announcer.announce(incident))).retryAfterMs, 7_000);
  });
});

describe("incidentChannelName", () => {
  const cases: [number, string, string][] = [
    [42, "API timeout", "inc-42-api-timeout"],
    [7, "Café à Paris: 50% errors!", "inc-7-cafe-a-paris-50-errors"],
    [3, "   ", "inc-3"],
    [3, "🔥🔥", "inc-3"],
    [12, "db_primary DOWN -- again", "inc-12-db_primary-down-again"],
    [9, "Checkout / Payments (EU)", "inc-9-checkout-payments-eu"],
  ];
  for (const [number, title, expected] of cases) {
    test(`${number} ${JSON.stringify(title)} → ${expected}`, () => {
      assert.equal(incidentChannelName(number, title), expected);
    });
  }

  test("at most 80 characters, never ending in a dash", () => {
    const name = incidentChannelName(123456, `${"word ".repeat(40)}`);
    assert.ok(name.length <= 80, name);
    assert.match(name, /^inc-123456-word-word.*[a-z0-9]$/);
    for (let n = 1; n < 200; n++) {
      const cut = incidentChannelName(n, `${"a".repeat(n % 80)} ${"b".repeat(80)}`);
      assert.ok(cut.length <= 80 && /^[a-z0-9_-]+$/.test(cut) && !cut.endsWith("-"), cut);
    }
  });
});
