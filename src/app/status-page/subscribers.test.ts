// Status page subscribers on both storages: the double opt-in, unsubscribe links, the admin use cases,
// which subscribers an event reaches, and how failed deliveries count and disable a subscriber.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { DAY, MINUTE } from "#domain/time.ts";
import { executeRows } from "#store/rows.ts";
import { findSubscriber } from "#store/status-subscribers.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  type TestContext,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { postStatusUpdate } from "../incidents/records.ts";
import { ChannelError, type SubscriberMessage, type SubscriberSender } from "../ports.ts";
import { createComponent } from "./components.ts";
import {
  deliverStatusEvent,
  fanOutStatusEvent,
  NotificationCache,
  sendConfirmation,
  sendDisabledNotice,
} from "./deliver.ts";
import { createMaintenance } from "./maintenances.ts";
import { STATUS_JOB, type StatusNotificationEvent } from "./notify.ts";
import {
  addSubscriber,
  confirmSubscription,
  enableSubscriber,
  findByUnsubscribeToken,
  listSubscribers,
  removeSubscriber,
  subscribe,
  unsubscribe,
} from "./subscribers.ts";

const EMAIL_ON = { emailEnabled: true };

interface Sent {
  kind: "email" | "webhook" | "slack";
  to: string;
  secret?: string;
  message: SubscriberMessage;
}

/** A sender that records what it is given; `fail` makes the next sends throw. */
function recordingSender() {
  const sent: Sent[] = [];
  const state: { fail: Error | undefined } = { fail: undefined };
  const go = async (entry: Sent) => {
    if (state.fail) throw state.fail;
    sent.push(entry);
  };
  const sender: SubscriberSender = {
    email: (to, message) => go({ kind: "email", to, message }),
    webhook: (to, secret, message) => go({ kind: "webhook", to, secret, message }),
    slack: (to, message) => go({ kind: "slack", to, message }),
  };
  return { sender, sent, state };
}

async function jobs(ctx: TestContext, kind: string) {
  const rows = await executeRows(
    ctx.db,
    sql`select key, payload from jobs where kind = ${kind} and state = 'pending' order by id`,
  );
  return rows.map((r) => ({
    key: String(r.key),
    payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
  }));
}

async function clearJobs(ctx: TestContext) {
  await ctx.db.execute(sql`delete from jobs where kind like 'status.%'`);
}

/** Runs the pending confirmation jobs (as the engine would) and returns the confirmation links sent. */
async function runConfirmations(ctx: TestContext, sender: SubscriberSender): Promise<void> {
  for (const job of await jobs(ctx, STATUS_JOB.confirm)) {
    await sendConfirmation(ctx, sender, String(job.payload.subscriber_id), String(job.payload.nonce));
  }
  await ctx.db.execute(sql`delete from jobs where kind = ${STATUS_JOB.confirm}`);
}

const tokenIn = (text: string, path: string) =>
  new RegExp(`${path.replace(/[/?]/g, "\\$&")}\\?token=([A-Za-z0-9_-]+)`).exec(text)?.[1] ?? "";

for (const backend of await testBackends()) {
  describe(`status page subscribers (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });
    const context = () => {
      const ctx = appContext(database.db, { actor: "nina" });
      ctx.publicUrl = "https://foghorn.example.com";
      return ctx;
    };

    test("double opt-in: a pending subscription, a mailed link that confirms once", async () => {
      const ctx = context();
      const { sender, sent } = recordingSender();
      const email = `${uniqueName("reader")}@example.com`;
      const answer = await subscribe(ctx, { email: `  ${email} ` }, EMAIL_ON);
      assert.equal(answer.status, "check_your_inbox");
      assert.match(answer.message, new RegExp(`Check your inbox: we sent a message to ${email}`));
      const pending = (await listSubscribers(ctx, { kind: "email", state: "pending" })).subscribers;
      const sub = pending.find((s) => s.target === email);
      assert.ok(sub, "a pending subscriber");
      assert.equal(sub.confirmed_at, null);

      await runConfirmations(ctx, sender);
      const mail = sent.find((s) => s.to === email);
      assert.ok(mail, "a confirmation mail");
      assert.equal(mail.message.subject, "Confirm your subscription to Status");
      const token = tokenIn(mail.message.text, "https://foghorn.example.com/status/subscribe/confirm");
      assert.ok(token, mail.message.text);

      ctx.clock.advance(2 * DAY);
      const confirmed = await confirmSubscription(ctx, token);
      assert.equal(confirmed.outcome, "confirmed");
      const active = (await listSubscribers(ctx, { state: "active" })).subscribers.find(
        (s) => s.id === sub.id,
      );
      assert.equal(active?.confirmed_at, ctx.clock.now().toISOString());
      assert.equal((await confirmSubscription(ctx, token)).outcome, "invalid", "a link confirms once");
      assert.equal((await confirmSubscription(ctx, "not-a-token")).outcome, "invalid");
    });

    test("a confirmation link expires after 7 days; subscribing again sends a new one", async () => {
      const ctx = context();
      const { sender, sent } = recordingSender();
      const email = `${uniqueName("late")}@example.com`;
      await subscribe(ctx, { email }, EMAIL_ON);
      await runConfirmations(ctx, sender);
      const first = tokenIn(sent.at(-1)?.message.text ?? "", "/subscribe/confirm");
      ctx.clock.advance(7 * DAY + MINUTE);
      assert.equal((await confirmSubscription(ctx, first)).outcome, "expired");

      await subscribe(ctx, { email }, EMAIL_ON);
      await runConfirmations(ctx, sender);
      const second = tokenIn(sent.at(-1)?.message.text ?? "", "/subscribe/confirm");
      assert.notEqual(second, first);
      assert.equal((await confirmSubscription(ctx, first)).outcome, "invalid", "the old link is replaced");
      assert.equal((await confirmSubscription(ctx, second)).outcome, "confirmed");
    });

    test("subscribing again: no second mail within a minute; an active address is told, nothing revealed", async () => {
      const ctx = context();
      const { sender, sent } = recordingSender();
      const email = `${uniqueName("twice")}@example.com`;
      const first = await subscribe(ctx, { email }, EMAIL_ON);
      await runConfirmations(ctx, sender);
      ctx.clock.advance(10_000);
      assert.deepEqual(await subscribe(ctx, { email: email.toUpperCase() }, EMAIL_ON), {
        ...first,
        message: first.message.replace(email, email.toUpperCase()),
      });
      await runConfirmations(ctx, sender);
      assert.equal(sent.filter((s) => s.to === email).length, 1, "one mail within a minute");

      const token = tokenIn(sent.at(-1)?.message.text ?? "", "/subscribe/confirm");
      assert.equal((await confirmSubscription(ctx, token)).outcome, "confirmed");
      ctx.clock.advance(2 * MINUTE);
      const again = await subscribe(ctx, { email }, EMAIL_ON);
      assert.deepEqual(again, first, "the same answer for an active address");
      await runConfirmations(ctx, sender);
      const told = sent.at(-1);
      assert.equal(told?.to, email);
      assert.equal(told?.message.subject, "You are already subscribed to Status");
      assert.match(told?.message.text ?? "", /nothing changed/);
      assert.ok(
        told?.message.unsubscribeUrl?.startsWith("https://foghorn.example.com/status/unsubscribe?token="),
      );
    });

    test("refusals say what to fix: a bad address, unknown components, email without SMTP", async () => {
      const ctx = context();
      const bad = await expectAppError(
        subscribe(ctx, { email: "not-an-address" }, EMAIL_ON),
        "INVALID_INPUT",
      );
      assert.deepEqual(bad.fields, [
        { field: "email", message: "must be an email address such as ops@example.com" },
      ]);
      const unknown = await expectAppError(
        subscribe(ctx, { email: "a@example.com", component_ids: ["zzzzzzzzzzzz", "yyyyyyyyyyyy"] }, EMAIL_ON),
        "INVALID_INPUT",
      );
      assert.equal(unknown.fields[0]?.field, "component_ids");
      assert.match(unknown.fields[0]?.message ?? "", /unknown component ids "zzzzzzzzzzzz", "yyyyyyyyyyyy"/);
      const off = await expectAppError(
        subscribe(ctx, { email: "a@example.com" }, { emailEnabled: false }),
        "CONFLICT",
      );
      assert.match(off.detail, /SMTP.*email\.host/);
      await expectAppError(
        addSubscriber(ctx, { kind: "email", target: "b@example.com" }, { emailEnabled: false }),
        "CONFLICT",
      );
    });

    test("admin: webhooks active at once with their secret shown once; Slack URLs; duplicates", async () => {
      const ctx = context();
      const url = `https://hooks.example.com/${uniqueName("status")}`;
      const created = await addSubscriber(
        ctx,
        { kind: "webhook", target: url, contact_email: "ops@example.com" },
        EMAIL_ON,
      );
      assert.equal(created.state, "active");
      assert.match(created.secret ?? "", /^[A-Za-z0-9_-]{43}$/);
      const listed = (await listSubscribers(ctx, { kind: "webhook" })).subscribers.find(
        (s) => s.id === created.id,
      );
      assert.ok(listed);
      assert.equal("secret" in listed, false, "the secret is never listed");
      assert.equal(listed.contact_email, "ops@example.com");

      const twice = await expectAppError(
        addSubscriber(
          ctx,
          { kind: "webhook", target: url.toUpperCase().replace("HTTPS", "https") },
          EMAIL_ON,
        ),
        "CONFLICT",
      );
      assert.match(twice.detail, new RegExp(`already a webhook subscriber .*${created.id}`));

      const slack = await expectAppError(
        addSubscriber(ctx, { kind: "slack", target: "https://chat.example.com/hooks/abc" }, EMAIL_ON),
        "INVALID_INPUT",
      );
      assert.match(slack.fields[0]?.message ?? "", /hooks\.slack\.com.*"any_url": true/);
      const mattermost = await addSubscriber(
        ctx,
        { kind: "slack", target: `https://chat.example.com/hooks/${uniqueName("mm")}`, any_url: true },
        EMAIL_ON,
      );
      assert.equal(mattermost.state, "active");
      assert.equal("secret" in mattermost, false);

      const wrong = await expectAppError(
        addSubscriber(
          ctx,
          { kind: "email", target: "x@example.com", contact_email: "y@example.com", any_url: true },
          EMAIL_ON,
        ),
        "INVALID_INPUT",
      );
      assert.deepEqual(
        wrong.fields.map((f) => f.field),
        ["contact_email", "any_url"],
      );
      const ftp = await expectAppError(
        addSubscriber(ctx, { kind: "webhook", target: "ftp://x.example.com/" }, EMAIL_ON),
        "INVALID_INPUT",
      );
      assert.match(ftp.fields[0]?.message ?? "", /http:\/\/ or https:\/\//);

      const vouched = await addSubscriber(
        ctx,
        { kind: "email", target: `${uniqueName("vip")}@example.com`, skip_confirmation: true },
        EMAIL_ON,
      );
      assert.equal(vouched.state, "active");
      await removeSubscriber(ctx, vouched.id);
      await expectAppError(removeSubscriber(ctx, vouched.id), "NOT_FOUND");
    });

    test("fan-out: subscribers to everything, to the component and to its group; not pending, not internal", async () => {
      const ctx = context();
      await clearJobs(ctx);
      const service = uniqueName("checkout");
      const incident = await declareTestIncident(ctx, { affected_services: [service] });
      const group = await createComponent(ctx, { name: uniqueName("Shop"), is_group: true });
      const checkout = await createComponent(ctx, {
        name: uniqueName("Checkout"),
        group_id: group.id,
        services: [service],
      });
      const other = await createComponent(ctx, { name: uniqueName("Search") });
      const add = (target: string, component_ids: string[]) =>
        addSubscriber(
          ctx,
          { kind: "webhook", target: `https://h.example.com/${target}`, component_ids },
          EMAIL_ON,
        );
      const all = await add(uniqueName("all"), []);
      const byComponent = await add(uniqueName("checkout"), [checkout.id]);
      const byGroup = await add(uniqueName("shop"), [group.id]);
      const elsewhere = await add(uniqueName("search"), [other.id]);
      await subscribe(ctx, { email: `${uniqueName("pending")}@example.com` }, EMAIL_ON);
      const disabled = await add(uniqueName("off"), []);
      await database.db.execute(
        sql`update status_subscribers set disabled_at = now() where id = ${disabled.id}`,
      );

      await postStatusUpdate(ctx, incident.id, { message: "internal only", visibility: "internal" });
      assert.deepEqual(await jobs(ctx, STATUS_JOB.notify), [], "internal updates notify no one");

      const update = await postStatusUpdate(ctx, incident.id, {
        message: "Checkout is failing for some users",
        visibility: "external",
        status: "investigating",
      });
      const [notify] = await jobs(ctx, STATUS_JOB.notify);
      assert.ok(notify, "the external update queued a notification");
      const event = notify.payload.event as StatusNotificationEvent;
      assert.equal(event.kind, "incident_update");
      assert.equal(event.kind === "incident_update" && event.updateId, update.id);

      await fanOutStatusEvent(ctx, event);
      const targets = new Set(
        (await jobs(ctx, STATUS_JOB.deliver)).map((j) => String(j.payload.subscriber_id)),
      );
      for (const s of [all, byComponent, byGroup]) assert.ok(targets.has(s.id), s.target);
      for (const s of [elsewhere, disabled]) assert.ok(!targets.has(s.id), s.target);
      const before = targets.size;
      await fanOutStatusEvent(ctx, event);
      assert.equal(
        (await jobs(ctx, STATUS_JOB.deliver)).length,
        before,
        "a second fan-out queues nothing new",
      );
      await clearJobs(ctx);
    });

    test("failed deliveries: the third in a row disables and queues the notice; success and enable reset", async () => {
      const ctx = context();
      await clearJobs(ctx);
      const service = uniqueName("api");
      const incident = await declareTestIncident(ctx, { affected_services: [service], title: "API errors" });
      await createComponent(ctx, { name: uniqueName("API"), services: [service] });
      const hook = await addSubscriber(
        ctx,
        {
          kind: "webhook",
          target: `https://h.example.com/${uniqueName("flaky")}`,
          contact_email: "ops@example.com",
        },
        EMAIL_ON,
      );
      const update = await postStatusUpdate(ctx, incident.id, {
        message: "Errors on the API",
        visibility: "external",
        status: "identified",
      });
      const [notify] = await jobs(ctx, STATUS_JOB.notify);
      const real = notify?.payload.event as StatusNotificationEvent;
      assert.ok(real?.kind === "incident_update" && real.updateId === update.id);
      const { sender, sent, state } = recordingSender();
      const deps = { sender, cache: new NotificationCache() };

      await deliverStatusEvent(ctx, deps, real, hook.id);
      const first = sent[0];
      assert.ok(first, "delivered");
      assert.equal(first.secret, hook.secret);
      assert.match(first.message.subject, /^\[Identified\] API errors$/);
      assert.match(first.message.text, /Identified \(.*\): Errors on the API/);
      assert.match(first.message.deliveryId, /^[0-9a-f]{32}$/);
      const payload = first.message.payload as Record<string, Record<string, unknown>>;
      assert.equal(payload.meta?.unsubscribe, first.message.unsubscribeUrl);
      assert.equal(payload.incident?.name, "API errors");
      assert.equal(payload.page?.status_indicator !== undefined, true);

      state.fail = new ChannelError("webhook: HTTP 500");
      await assert.rejects(deliverStatusEvent(ctx, deps, real, hook.id), /HTTP 500/, "transient: retried");
      await assert.rejects(deliverStatusEvent(ctx, deps, real, hook.id), /HTTP 500/);
      let row = await findSubscriber(ctx.db, hook.id);
      assert.equal(row?.consecutiveFailures, 2);
      state.fail = undefined;
      await deliverStatusEvent(ctx, deps, real, hook.id);
      assert.equal(
        sent.at(-1)?.message.deliveryId,
        first.message.deliveryId,
        "the same delivery id on a retry",
      );
      row = await findSubscriber(ctx.db, hook.id);
      assert.equal(row?.consecutiveFailures, 0, "a success resets the count");

      state.fail = new ChannelError("webhook: HTTP 404", { permanent: true });
      await deliverStatusEvent(ctx, deps, real, hook.id); // permanent: counted, not thrown
      state.fail = new ChannelError("webhook: HTTP 500");
      await assert.rejects(deliverStatusEvent(ctx, deps, real, hook.id));
      await deliverStatusEvent(ctx, deps, real, hook.id); // the third: disabled, nothing to retry
      row = await findSubscriber(ctx.db, hook.id);
      assert.ok(row?.disabledAt);
      assert.equal(row?.consecutiveFailures, 3);
      assert.match(
        row?.disabledReason ?? "",
        /3 deliveries in a row failed; the last one: webhook: HTTP 500/,
      );
      const [notice] = await jobs(ctx, STATUS_JOB.disabledNotice);
      assert.equal(notice?.payload.subscriber_id, hook.id);

      state.fail = undefined;
      const count = sent.length;
      await deliverStatusEvent(ctx, deps, real, hook.id);
      assert.equal(sent.length, count, "nothing is sent to a disabled subscriber");
      await sendDisabledNotice(ctx, sender, hook.id);
      const told = sent.at(-1);
      assert.equal(told?.kind, "email");
      assert.equal(told?.to, "ops@example.com");
      assert.match(told?.message.text ?? "", new RegExp(`foghorn status subscriber enable ${hook.id}`));
      assert.match(told?.message.text ?? "", /HTTP 500/);

      const enabled = await enableSubscriber(ctx, hook.id);
      assert.equal(enabled.state, "active");
      assert.equal(enabled.consecutive_failures, 0);
      await clearJobs(ctx);
    });

    test("maintenance: subscribers of its components are told it was scheduled, with the times", async () => {
      const ctx = context();
      await clearJobs(ctx);
      const db = await createComponent(ctx, { name: uniqueName("Database") });
      const other = await createComponent(ctx, { name: uniqueName("CDN") });
      const mine = await addSubscriber(
        ctx,
        { kind: "webhook", target: `https://h.example.com/${uniqueName("db")}`, component_ids: [db.id] },
        EMAIL_ON,
      );
      const notMine = await addSubscriber(
        ctx,
        { kind: "webhook", target: `https://h.example.com/${uniqueName("cdn")}`, component_ids: [other.id] },
        EMAIL_ON,
      );
      const maintenance = await createMaintenance(ctx, {
        title: "Database upgrade",
        body: "Writes pause for up to 5 minutes.",
        scheduled_for: "2026-03-10T22:00:00Z",
        scheduled_until: "2026-03-10T23:00:00Z",
        component_ids: [db.id],
      });
      const [notify] = await jobs(ctx, STATUS_JOB.notify);
      const event = notify?.payload.event as StatusNotificationEvent;
      assert.equal(event?.kind, "maintenance_scheduled");
      await fanOutStatusEvent(ctx, event);
      const targets = (await jobs(ctx, STATUS_JOB.deliver)).map((j) => String(j.payload.subscriber_id));
      assert.ok(targets.includes(mine.id));
      assert.ok(!targets.includes(notMine.id));

      const { sender, sent } = recordingSender();
      await deliverStatusEvent(ctx, { sender, cache: new NotificationCache() }, event, mine.id);
      const message = sent[0]?.message;
      assert.equal(message?.subject, "[Scheduled maintenance] Database upgrade");
      assert.match(message?.text ?? "", /Scheduled maintenance: Mar 10, 2026, 22:00 – 23:00 UTC/);
      assert.match(message?.text ?? "", /Writes pause for up to 5 minutes\./);
      assert.equal(message?.url, `https://foghorn.example.com/status/maintenances/${maintenance.id}`);
      const payload = message?.payload as Record<string, Record<string, unknown>>;
      assert.equal(payload.meta?.event, "maintenance_scheduled");
      assert.equal(payload.scheduled_maintenance?.id, maintenance.id);
      assert.equal(payload.scheduled_maintenance?.scheduled_for, "2026-03-10T22:00:00.000Z");
      await clearJobs(ctx);
    });

    test("the unsubscribe link in a message removes the subscription", async () => {
      const ctx = context();
      const hook = await addSubscriber(
        ctx,
        { kind: "slack", target: `https://hooks.slack.com/services/${uniqueName("T")}` },
        EMAIL_ON,
      );
      const { sender, sent } = recordingSender();
      const email = `${uniqueName("bye")}@example.com`;
      await subscribe(ctx, { email }, EMAIL_ON);
      await runConfirmations(ctx, sender);
      await confirmSubscription(ctx, tokenIn(sent.at(-1)?.message.text ?? "", "/subscribe/confirm"));
      ctx.clock.advance(2 * MINUTE);
      await subscribe(ctx, { email }, EMAIL_ON);
      await runConfirmations(ctx, sender);
      const link = sent.at(-1)?.message.unsubscribeUrl ?? "";
      const token = new URL(link).searchParams.get("token") ?? "";
      assert.equal((await findByUnsubscribeToken(ctx, token))?.target, email);
      assert.equal(await unsubscribe(ctx, token), true);
      assert.equal(await unsubscribe(ctx, token), false, "a second click finds nothing");
      assert.equal(
        (await listSubscribers(ctx, {})).subscribers.some((s) => s.target === email),
        false,
      );
      assert.ok((await listSubscribers(ctx, { kind: "slack" })).subscribers.some((s) => s.id === hook.id));
    });
  });
}
