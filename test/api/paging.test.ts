// Answering a page from outside the API: the email link, Slack's buttons and /foghorn commands, an SMS
// reply. Each acts as the person paged, through a real server with a real paging engine.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import twilio from "twilio";
import { ManualClock } from "#domain/time.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  addContact,
  addPolicy,
  addService,
  addUser,
  RecordingChannel,
  timelineData,
} from "../oncall/harness.ts";

const SLACK_SECRET = "slack-signing-secret-for-tests";
const TWILIO_TOKEN = "twilio-auth-token-for-tests";

function slackHeaders(body: string, at: Date, secret = SLACK_SECRET) {
  const ts = String(Math.floor(at.getTime() / 1000));
  const sig = createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex");
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": ts,
    "x-slack-signature": `v0=${sig}`,
  };
}

describe("answering pages from email links, Slack and SMS", () => {
  let fh: TestFoghorn;
  const clock = new ManualClock(new Date());
  const channels = {
    console: new RecordingChannel("console", clock),
    sms: new RecordingChannel("sms", clock),
    slack: new RecordingChannel("slack", clock),
  };
  let alice: string;
  let service: string;
  const phone = "+4915100000777";
  const slackId = "U0ALICE77";

  before(async () => {
    fh = await startTestFoghorn("pglite", {
      clock,
      channels,
      env: { SLACK_SIGNING_SECRET: SLACK_SECRET, TWILIO_AUTH_TOKEN: TWILIO_TOKEN },
    });
    alice = uniqueName("alice");
    const id = await addUser(fh.database.db, alice);
    await addContact(fh.database.db, id, "sms", phone);
    await addContact(fh.database.db, id, "slack", slackId);
    const policy = await addPolicy(fh.database.db, uniqueName("p"), [
      { delayMinutes: 10, roundRobin: false, targets: [{ kind: "user", id }] },
    ]);
    service = await addService(fh.database.db, uniqueName("svc"), policy);
  });
  after(async () => {
    await fh?.close();
  });

  async function pagedIncident(title: string) {
    clock.advance(2 * 60_000); // past the one-message-a-minute throttle of the previous test's page
    const res = await fh.api("/api/v1/incidents", {
      body: { title, severity: "SEV1", affected_services: [service] },
    });
    assert.equal(res.status, 201);
    const incident = (await res.json()) as { id: string; number: number };
    await fh.pagingIdle();
    const sms = channels.sms.sent.find((s) => s.message.items.some((i) => i.summary.includes(title)));
    assert.ok(sms, "the page went out by SMS");
    return { ...incident, sms: sms.message };
  }

  async function status(id: string) {
    return ((await (await fh.api(`/api/v1/incidents/${id}`)).json()) as { status: string }).status;
  }

  test("the email link shows a confirmation page, and its button acknowledges as the person paged", async () => {
    const incident = await pagedIncident("Link ack");
    const url = incident.sms.actions?.acknowledgeUrl ?? "";
    assert.match(url, /\/p\/[\w-]+\?action=acknowledge$/);
    const path = new URL(url).pathname;
    const page = await fetch(`${fh.url}${path}?action=acknowledge`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, new RegExp(`${incident.id} Link ack`));
    assert.equal(await status(incident.id), "triggered", "opening the link changes nothing");
    const done = await fetch(`${fh.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=acknowledge",
    });
    assert.equal(done.status, 200);
    assert.match(await done.text(), new RegExp(`${incident.id} acknowledged by ${alice}`));
    assert.equal(await status(incident.id), "acknowledged");
    await fh.pagingIdle();
    const stopped = await timelineData(fh.database.db, incident.number, "escalation.stopped");
    assert.equal(stopped.length, 1);
    const again = await fetch(`${fh.url}${path}`, {
      method: "POST",
      body: "action=acknowledge",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.match(await again.text(), /already acknowledged/);
    assert.equal((await fetch(`${fh.url}/p/not-a-real-token`)).status, 404);
  });

  test("a Slack button click, signed by Slack, resolves as the linked user; bad or old signatures are refused", async () => {
    const incident = await pagedIncident("Slack resolve");
    const incidentUuid = incident.sms.items[0]?.incident?.id ?? "";
    const payload = {
      type: "block_actions",
      user: { id: slackId },
      team: { id: "T1" },
      response_url: "http://127.0.0.1:9/unused",
      actions: [{ action_id: "foghorn_resolve", value: incidentUuid }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const refused = await fetch(`${fh.url}/slack/interactive`, {
      method: "POST",
      headers: slackHeaders(body, new Date(), "wrong-secret"),
      body,
    });
    assert.equal(refused.status, 401);
    const old = await fetch(`${fh.url}/slack/interactive`, {
      method: "POST",
      headers: slackHeaders(body, new Date(Date.now() - 6 * 60_000)),
      body,
    });
    assert.equal(old.status, 401, "a request older than 5 minutes is a replay");
    assert.equal(await status(incident.id), "triggered");
    const ok = await fetch(`${fh.url}/slack/interactive`, {
      method: "POST",
      headers: slackHeaders(body, new Date()),
      body,
    });
    assert.equal(ok.status, 200);
    assert.match(
      ((await ok.json()) as { text: string }).text,
      new RegExp(`${incident.id} resolved by ${alice}`),
    );
    assert.equal(await status(incident.id), "resolved");
  });

  test("/foghorn declare, ack and update act as the Slack user's Foghorn user", async () => {
    const send = async (text: string) => {
      const body = new URLSearchParams({
        command: "/foghorn",
        text,
        user_id: slackId,
        team_id: "T1",
        response_url: "http://127.0.0.1:9/unused",
      }).toString();
      const res = await fetch(`${fh.url}/slack/commands`, {
        method: "POST",
        headers: slackHeaders(body, new Date()),
        body,
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { text: string }).text;
    };
    const declared = await send("declare SEV2 Search returns nothing");
    const id = /Declared (INC-\d+)/.exec(declared)?.[1];
    assert.ok(id, declared);
    const detail = (await (await fh.api(`/api/v1/incidents/${id}`)).json()) as {
      severity: string;
      assignee: string | null;
      title: string;
    };
    assert.equal(detail.severity, "SEV2");
    assert.equal(detail.title, "Search returns nothing");
    assert.equal(detail.assignee, alice, "the person who declared is the commander");
    assert.match(await send(`ack ${id}`), /Acknowledged/);
    assert.equal(await status(id), "acknowledged");
    assert.match(await send(`update ${id} Reindexing now`), /Posted/);
    assert.match(await send("dance"), /declare/, "a wrong command answers with the usage");
  });

  test("an SMS reply 4 <code> acknowledges; the request must carry Twilio's signature", async () => {
    const incident = await pagedIncident("SMS ack");
    const code = incident.sms.replyCode ?? "";
    const params = { From: phone, To: "+15005550006", Body: `4 ${code.toLowerCase()}` };
    const url = `${fh.url}/twilio/sms`;
    const unsigned = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    assert.equal(unsigned.status, 403);
    const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, url, params);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
      body: new URLSearchParams(params).toString(),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /xml/);
    assert.match(await res.text(), new RegExp(`${incident.id} acknowledged by ${alice}`));
    assert.equal(await status(incident.id), "acknowledged");
  });

  test("an alert that opens an incident pages in the same transaction, once", async () => {
    clock.advance(2 * 60_000);
    const integration = (await (
      await fh.api(`/api/v1/services/${service}/integrations`, { body: { kind: "pagerduty" } })
    ).json()) as { routing_key: string };
    const res = await fetch(`${fh.url}/v2/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        routing_key: integration.routing_key,
        event_action: "trigger",
        dedup_key: "disk-full-db1",
        payload: { summary: "Disk full on db1", source: "db1", severity: "critical" },
      }),
    });
    assert.equal(res.status, 202);
    await fh.alertsIdle();
    await fh.pagingIdle();
    const sms = channels.sms.sent.find((s) =>
      s.message.items.some((i) => i.summary.includes("Disk full on db1")),
    );
    assert.ok(sms, "the alert's incident paged alice by SMS");
    const number = Number(/INC-(\d+)/.exec(sms.message.items[0]?.summary ?? "")?.[1]);
    assert.equal((await timelineData(fh.database.db, number, "escalation.started")).length, 1);
    const sent = await timelineData(fh.database.db, number, "page.sent");
    assert.deepEqual(
      sent.map((e) => e.via).sort(),
      ["slack", "sms"],
      "one page per contact method, each once",
    );
  });

  test("the paging API lists an incident's messages and the engine's queue", async () => {
    const incident = await pagedIncident("Listed");
    const list = (await (await fh.api(`/api/v1/notifications?incident=${incident.id}`)).json()) as {
      items: { to: string; via: string; state: string; reason: string }[];
    };
    assert.ok(
      list.items.some((n) => n.to === alice && n.via === "sms" && n.state === "sent" && n.reason === "page"),
    );
    const bad = await fh.api("/api/v1/notifications?state=lost");
    assert.equal(bad.status, 422);
    assert.match(
      JSON.stringify(await bad.json()),
      /state.*must be one of pending, sending, sent, failed, cancelled/,
    );
    const engine = (await (await fh.api("/api/v1/engine")).json()) as {
      pending: number;
      dead: number;
      lag_seconds: number;
    };
    assert.equal(typeof engine.pending, "number");
    assert.equal(engine.dead, 0);
  });
});
