// The backlog sync's Slack summary through the real @slack/web-api WebClient, against a local Slack API.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import {
  createBacklogAnnouncer,
  createSlackBacklogAnnouncer,
} from "#integrations/slack/backlog-announcer.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";

const REPO = "https://github.com/acme/shop/issues";
const SEED_ISSUES = [
  { number: 71, title: "Add database index to exports table", url: `${REPO}/71` },
  { number: 72, title: "Add load test for bulk export endpoint to CI", url: `${REPO}/72` },
  { number: 73, title: "Add query timeout < 5s to API middleware", url: `${REPO}/73` },
  { number: 74, title: "Write runbook for bulk export rollback procedure", url: `${REPO}/74` },
];

let slack: FakeSlack;
before(async () => {
  slack = await startFakeSlack({ channels: ["scraut-bot", "incidents"] });
});
after(() => slack.close());
afterEach(() => {
  assert.deepEqual(slack.unexpected, [], "the code called a Slack method the test did not expect");
});

type Section = { type: string; text?: { type: string; text: string } };

describe("Slack backlog summary", () => {
  const announcer = () =>
    createSlackBacklogAnnouncer({ token: slack.token, apiUrl: slack.url, channel: "#scraut-bot" });

  test("seed 000: '4 backlog items created from …' in the channel, each issue a link", async () => {
    await announcer().announce({ incidentTitle: "API Timeout on Bulk Requests", issues: SEED_ISSUES });

    const call = slack.callsTo("chat.postMessage").at(-1);
    assert.equal(call?.args.channel, "#scraut-bot");
    assert.equal(call?.token, slack.token);
    const scrautBot = [...slack.channels.values()].find((c) => c.name === "scraut-bot");
    const posted = [...slack.messages.values()].filter((m) => m.channel === scrautBot?.id);
    assert.equal(posted.length, 1, "one message per announced incident");
    const message = posted[0];
    assert.equal(message?.text, "4 backlog items created from API Timeout on Bulk Requests incident");
    const blocks = (message?.blocks ?? []) as Section[];
    assert.equal(
      blocks[0]?.text?.text,
      "*4 backlog items created from API Timeout on Bulk Requests incident*",
    );
    assert.equal(
      blocks[1]?.text?.text,
      [
        `• <${REPO}/71|#71 Add database index to exports table>`,
        `• <${REPO}/72|#72 Add load test for bulk export endpoint to CI>`,
        `• <${REPO}/73|#73 Add query timeout &lt; 5s to API middleware>`,
        `• <${REPO}/74|#74 Write runbook for bulk export rollback procedure>`,
      ].join("\n"),
    );
    assert.equal(String(call?.args.unfurl_links), "false", "no link previews for four links");
  });

  test("one item is singular, and a title ending in 'incident' is not doubled", async () => {
    await announcer().announce({
      incidentTitle: "Checkout outage incident",
      issues: SEED_ISSUES.slice(0, 1),
    });
    assert.equal(
      slack.callsTo("chat.postMessage").at(-1)?.args.text,
      "1 backlog item created from Checkout outage incident",
    );
  });

  test("nothing filed: nothing is posted", async () => {
    const before = slack.callsTo("chat.postMessage").length;
    await announcer().announce({ incidentTitle: "API Timeout on Bulk Requests", issues: [] });
    assert.equal(slack.callsTo("chat.postMessage").length, before);
  });

  test("a missing channel rejects with one readable line (the caller warns; filing is done)", async () => {
    const lost = createSlackBacklogAnnouncer({
      token: slack.token,
      apiUrl: slack.url,
      channel: "#no-such-channel",
    });
    await assert.rejects(
      lost.announce({ incidentTitle: "API Timeout on Bulk Requests", issues: SEED_ISSUES }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(
          error.message,
          "Slack backlog summary in #no-such-channel: Slack answered channel_not_found",
        );
        return true;
      },
    );
  });

  test("a Slack outage rejects too, without retrying in the client", async () => {
    const before = slack.callsTo("chat.postMessage").length;
    slack.failNext(1, 503);
    await assert.rejects(
      announcer().announce({ incidentTitle: "API Timeout on Bulk Requests", issues: SEED_ISSUES }),
      { message: "Slack backlog summary in #scraut-bot: Slack answered HTTP 503" },
    );
    assert.equal(slack.callsTo("chat.postMessage").length, before + 1);
  });

  test("configuration: an announcer only with both the bot token and slack.backlogChannel", () => {
    assert.equal(createBacklogAnnouncer({ botToken: slack.token, apiUrl: slack.url }), undefined);
    assert.equal(createBacklogAnnouncer({ backlogChannel: "#scraut-bot" }), undefined);
    assert.ok(
      createBacklogAnnouncer({ botToken: slack.token, apiUrl: slack.url, backlogChannel: "#scraut-bot" }),
    );
  });
});
