// What Slack posts to Foghorn: the request signature, button clicks and the /foghorn command.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { parseInteraction, parseSlashCommand, slackResponse } from "#integrations/slack/inbound.ts";
import { verifySlackSignature } from "#integrations/slack/signature.ts";
import { INCIDENT } from "../helpers/channels.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW = new Date("2026-11-23T10:00:00Z");
const TS = String(NOW.getTime() / 1000);

/** Slack's documented computation, written out independently of the code under test. */
function slackSign(body: string, timestamp = TS, secret = SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe("verifySlackSignature", () => {
  const body = form({ command: "/foghorn", text: "ack INC-42", user_id: "U0ALICE" });
  const input = { signingSecret: SECRET, timestamp: TS, signature: slackSign(body), rawBody: body, now: NOW };

  test("a request signed with the signing secret is accepted (string or Buffer body)", () => {
    assert.deepEqual(verifySlackSignature(input), { ok: true });
    assert.deepEqual(verifySlackSignature({ ...input, rawBody: Buffer.from(body) }), { ok: true });
  });

  test("a tampered body, another secret or a malformed header is refused", () => {
    const refusals = [
      { ...input, rawBody: body.replace("INC-42", "INC-43") },
      { ...input, signature: slackSign(body, TS, "another-secret") },
      { ...input, signature: slackSign(body).replace("v0=", "v1=") },
      { ...input, signature: "v0=abc" },
      { ...input, signature: undefined },
      { ...input, timestamp: undefined },
      { ...input, timestamp: "yesterday" },
      { ...input, signingSecret: "" },
    ];
    for (const refused of refusals) {
      const check = verifySlackSignature(refused);
      assert.equal(check.ok, false, JSON.stringify(refused));
    }
    const tampered = verifySlackSignature(refusals[0] ?? input);
    assert.ok(!tampered.ok && /does not match/.test(tampered.reason));
  });

  test("a replay older than 5 minutes is refused, even with a valid signature; 5 minutes is still fine", () => {
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    assert.deepEqual(verifySlackSignature({ ...input, now: at(300) }), { ok: true });
    assert.deepEqual(verifySlackSignature({ ...input, now: at(-300) }), { ok: true });
    const replay = verifySlackSignature({ ...input, now: at(301) });
    assert.ok(!replay.ok && /replay/.test(replay.reason), JSON.stringify(replay));
    assert.equal(verifySlackSignature({ ...input, now: at(-3600) }).ok, false, "from the future");
  });
});

/** A block_actions payload as Slack sends it for a click in the bot's DM. */
function clickBody(actionId: string, value: string): string {
  const payload = {
    type: "block_actions",
    user: { id: "U0ALICE", username: "alice", name: "alice", team_id: "T0FOGHORN" },
    api_app_id: "A0FOGHORN",
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: "1767000001.000001",
      channel_id: "D0ALICE",
      is_ephemeral: false,
    },
    trigger_id: "123.456.abc",
    team: { id: "T0FOGHORN", domain: "foghorn-test" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: "D0ALICE", name: "directmessage" },
    message: { type: "message", ts: "1767000001.000001", text: "[SEV1] INC-42 Checkout down" },
    response_url: "https://hooks.slack.com/actions/T0FOGHORN/1/abc",
    actions: [
      {
        action_id: actionId,
        block_id: "foghorn_page",
        text: { type: "plain_text", text: "Acknowledge" },
        value,
        style: "primary",
        type: "button",
        action_ts: "1767000002.000002",
      },
    ],
  };
  return form({ payload: JSON.stringify(payload) });
}

describe("parseInteraction", () => {
  test("Acknowledge and Resolve clicks", () => {
    assert.deepEqual(parseInteraction(clickBody("foghorn_ack", INCIDENT.id)), {
      action: "acknowledge",
      incidentId: INCIDENT.id,
      slackUserId: "U0ALICE",
      slackTeamId: "T0FOGHORN",
      responseUrl: "https://hooks.slack.com/actions/T0FOGHORN/1/abc",
      channel: "D0ALICE",
      messageTs: "1767000001.000001",
    });
    const resolve = parseInteraction(clickBody("foghorn_resolve", INCIDENT.id));
    assert.ok(!("error" in resolve) && resolve.action === "resolve");
  });

  test("anything else is a readable error", () => {
    const cases: [string, RegExp][] = [
      ["", /no payload/],
      [form({ payload: "{not json" }), /not JSON/],
      [
        form({ payload: JSON.stringify({ type: "view_submission" }) }),
        /unsupported interaction type view_submission/,
      ],
      [clickBody("other_button", INCIDENT.id), /no Foghorn button.*other_button/],
      [clickBody("foghorn_ack", "INC-42"), /not an incident id/],
      [
        form({
          payload: JSON.stringify({
            type: "block_actions",
            actions: [{ action_id: "foghorn_ack", value: INCIDENT.id }],
          }),
        }),
        /no user\.id/,
      ],
    ];
    for (const [body, expected] of cases) {
      const parsed = parseInteraction(body);
      assert.ok("error" in parsed, body);
      assert.match(parsed.error, expected);
    }
  });
});

describe("parseSlashCommand", () => {
  const command = (text: string) =>
    form({
      token: "legacy",
      team_id: "T0FOGHORN",
      channel_id: "C0INCIDENTS",
      user_id: "U0ALICE",
      command: "/foghorn",
      text,
      response_url: "https://hooks.slack.com/commands/T0FOGHORN/1/abc",
      trigger_id: "1.2.3",
    });
  const who = {
    slackUserId: "U0ALICE",
    responseUrl: "https://hooks.slack.com/commands/T0FOGHORN/1/abc",
    slackTeamId: "T0FOGHORN",
    channelId: "C0INCIDENTS",
  };

  const accepted: [string, object][] = [
    [
      "declare SEV2 API timeouts on checkout",
      { command: "declare", severity: "SEV2", title: "API timeouts on checkout" },
    ],
    ["declare p1 Database  down", { command: "declare", severity: "p1", title: "Database  down" }],
    [
      "  Declare critical Payments failing ",
      { command: "declare", severity: "critical", title: "Payments failing" },
    ],
    ["declare Login is slow", { command: "declare", title: "Login is slow" }],
    ["declare high", { command: "declare", title: "high" }],
    ["ack INC-42", { command: "ack", incident: "INC-42" }],
    ["ack inc-42", { command: "ack", incident: "INC-42" }],
    ["acknowledge 42", { command: "ack", incident: "INC-42" }],
    [
      "update INC-42 Rolled back the deploy; errors falling",
      { command: "update", incident: "INC-42", message: "Rolled back the deploy; errors falling" },
    ],
    ["update #7 multi\nline", { command: "update", incident: "INC-7", message: "multi\nline" }],
    ["", { command: "help" }],
    ["help", { command: "help" }],
  ];
  for (const [text, expected] of accepted) {
    test(`${JSON.stringify(text)} is read`, () => {
      assert.deepEqual(parseSlashCommand(command(text)), { ...expected, ...who });
    });
  }

  const refused: [string, RegExp][] = [
    ["declare", /`declare` needs a title/],
    ["ack", /`ack` takes one incident id/],
    ["ack INC-x", /`ack` takes one incident id/],
    ["ack INC-1 INC-2", /`ack` takes one incident id/],
    ["update INC-42", /`update` takes an incident id and a message/],
    ["update soon the thing", /`update` takes an incident id and a message/],
    ["resolve INC-42", /Unknown command `resolve`/],
  ];
  for (const [text, expected] of refused) {
    test(`${JSON.stringify(text)} is a usage error listing the three forms`, () => {
      const parsed = parseSlashCommand(command(text));
      assert.ok("error" in parsed);
      assert.match(parsed.error, expected);
      for (const form of [
        "/foghorn declare [SEV1-SEV4] <title>",
        "/foghorn ack INC-42",
        "/foghorn update INC-42 <message>",
      ]) {
        assert.ok(parsed.error.includes(form), `${form} in ${parsed.error}`);
      }
    });
  }

  test("a body without user or response_url is refused", () => {
    assert.match((parseSlashCommand(form({ text: "help" })) as { error: string }).error, /user_id/);
  });

  test("slackResponse answers only the user unless told otherwise", () => {
    assert.deepEqual(slackResponse("Declared INC-43"), {
      response_type: "ephemeral",
      text: "Declared INC-43",
    });
    assert.deepEqual(slackResponse("INC-43 declared", false), {
      response_type: "in_channel",
      text: "INC-43 declared",
    });
  });
});
