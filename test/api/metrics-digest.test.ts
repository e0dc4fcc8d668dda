// The weekly digest end to end, on both storage backends: a real server on a manual clock, a real SMTP
// server process receiving the email, the local fake Slack receiving chat.postMessage. The engine sends it
// once per week at Monday 09:00 Berlin time: a destination that failed is retried alone, and running the
// week's job again sends nothing. The preview and "send now" routes, and who may use them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { ManualClock } from "#domain/time.ts";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { cli } from "../cli/run-cli.ts";
import { uniqueName } from "../helpers/factories.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type SmtpProcess, startSmtpProcess } from "../helpers/smtp-process.ts";

type Json = Record<string, unknown>;

const PUBLIC_URL = "https://foghorn.example.com";
const RECIPIENTS = ["leads@example.com", "cto@example.com"];

function configYaml(smtp: SmtpProcess, slack: FakeSlack): string {
  return [
    "server:",
    `  publicUrl: ${PUBLIC_URL}`,
    "email:",
    `  host: ${smtp.host}`,
    `  port: ${smtp.port}`,
    '  from: "Foghorn <foghorn@example.com>"',
    "slack:",
    `  botToken: ${slack.token}`,
    `  apiUrl: ${slack.url}`,
    "  announce: false",
    "metrics:",
    "  weeklyDigest:",
    "    enabled: true",
    "    weekday: monday",
    "    hour: 9",
    "    timeZone: Europe/Berlin",
    `    email: [${RECIPIENTS.join(", ")}]`,
    '    slackChannel: "#incident-review"',
    "",
  ].join("\n");
}

for (const backend of await testBackends()) {
  describe(`weekly digest (${backend.kind})`, { skip: backend.skip }, () => {
    let fh: TestFoghorn;
    let smtp: SmtpProcess;
    let slack: FakeSlack;
    let dir: string;
    // Tuesday 10:00 Berlin; the digest is due on Monday 2026-03-09 at 09:00 Berlin (08:00Z).
    const clock = new ManualClock("2026-03-03T09:00:00.000Z");
    const DUE = new Date("2026-03-09T08:00:00.000Z");
    const service = uniqueName("checkout");

    before(async () => {
      smtp = await startSmtpProcess();
      slack = await startFakeSlack({ channels: ["incident-review", "incidents"] });
      dir = mkdtempSync(join(tmpdir(), "foghorn-digest-"));
      const configPath = join(dir, "foghorn.config.yaml");
      writeFileSync(configPath, configYaml(smtp, slack));
      fh = await startTestFoghorn(backend.kind, { clock, env: { FOGHORN_CONFIG: configPath } });
    });
    after(async () => {
      await fh?.close();
      await slack?.close();
      await smtp?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function call(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}, status = 200) {
      const res = await fh.api(path, init);
      const text = await res.text();
      assert.equal(res.status, status, text);
      return (text ? JSON.parse(text) : {}) as Json;
    }

    async function digestJobs() {
      return executeRows(
        fh.database.db,
        sql`select key, state, run_at from jobs where kind = 'metrics.digest' order by run_at`,
      );
    }

    /**
     * The rollups catch up with the last writes within a refresh (one running in the background holds them
     * meanwhile): waits until the week's report counts both incidents and the resolution.
     */
    async function rollupsCaughtUp() {
      for (let i = 0; i < 100; i++) {
        const report = await call("/api/v1/metrics?from=2026-03-02&to=2026-03-09");
        const all = (
          report.response_times as { severity: string; incidents: number; mttr: { count: number } }[]
        ).find((r) => r.severity === "all");
        if (all?.incidents === 2 && all.mttr.count === 1) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail("the rollups did not catch up");
    }

    /** Runs the engine's due jobs (the digest's among them) until none is due. */
    async function runEngine() {
      for (let round = 0; round < 50; round++) {
        await fh.pagingIdle();
        const [row] = await executeRows(
          fh.database.db,
          sql`select count(*) as n from jobs where kind = 'metrics.digest'
              and (state = 'running' or (state = 'pending' and run_at <= ${clock.now().toISOString()}::timestamptz))`,
        );
        if (Number(row?.n ?? 0) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.fail("the digest job did not settle");
    }

    /** The digests Slack accepted (calls it answered with an error are not messages). */
    const slackPosts = () =>
      [...slack.messages.values()].filter((m) => m.text.includes("Foghorn weekly digest"));

    test("at start the next digest is queued for Monday 09:00 Berlin", async () => {
      const jobs = await digestJobs();
      assert.deepEqual(
        jobs.map((j) => [j.key, j.state]),
        [["digest:2026-03-09", "pending"]],
      );
    });

    test("the week's incidents and figures go out by email and to Slack at the due time, once", async () => {
      const declare = async (title: string, severity: string) =>
        String(
          (await call("/api/v1/incidents", { body: { title, severity, affected_services: [service] } }, 201))
            .id,
        );
      const a = await declare("Checkout <script>alert(1)</script> & payments down", "SEV1");
      clock.advance(4 * 60_000 + 12_000);
      await call(`/api/v1/incidents/${a}/status`, { body: { status: "acknowledged" } });
      clock.advance(2 * 3_600_000);
      await call(`/api/v1/incidents/${a}/status`, { body: { status: "resolved" } });
      await declare("Search results stale", "SEV3");
      // An incident after the week (Monday morning) is not in this digest.
      clock.set("2026-03-09T06:00:00.000Z");
      const late = await declare("Monday morning blip", "SEV4");
      await runEngine();
      assert.equal(smtp.received.length, 0, "nothing before the due time");

      await rollupsCaughtUp();

      // Slack fails once (a transient error): the email goes out, Slack is retried alone.
      slack.errorNext(1, "internal_error");
      clock.set(DUE);
      await runEngine();
      const mail = await smtp.message(0);
      assert.deepEqual([...mail.envelope.rcptTo].sort(), [...RECIPIENTS].sort());
      assert.equal(
        mail.parsed.subject,
        "Foghorn weekly digest 2026-03-02 – 2026-03-08: 2 incidents (SEV1 1, SEV3 1)",
      );
      const text = mail.parsed.text ?? "";
      assert.match(text, /^Foghorn weekly digest: 2026-03-02 – 2026-03-08 \(UTC\)$/m);
      assert.match(text, /^INC-\d+ \[SEV1\] Checkout <script>alert\(1\)<\/script> & payments down$/m);
      assert.match(text, /time to acknowledge 4m 12s, to resolve 2h 04m/, "durations of the incident");
      assert.match(text, /^ {2}Tue 2026-03-03 10:00 · resolved;/m, "times in Berlin time");
      assert.match(text, /^INC-\d+ \[SEV3\] Search results stale$/m);
      assert.ok(!text.includes("Monday morning blip"), "the next week's incident is left out");
      // Medians and p90s come from the sketches: within 1 % (4m 12s reads back as 4m 13s).
      assert.match(text, /^ {2}SEV1 +1 +4m 1[23]s +4m 1[23]s +2h 0[345]m +2h 0[345]m$/m, "response times");
      assert.match(
        text,
        new RegExp(`^Insights: ${PUBLIC_URL}/insights\\?from=2026-03-02&to=2026-03-09$`, "m"),
      );
      const html = mail.parsed.html ?? "";
      assert.ok(!html.includes("<script>"), "the title is escaped in the HTML");
      assert.match(html, /Checkout &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; payments down/);
      assert.match(html, new RegExp(`<a href="${PUBLIC_URL}/incidents/INC-\\d+">INC-\\d+</a>`));
      assert.equal(mail.parsed.headers["auto-submitted"], "auto-generated");
      assert.equal(slackPosts().length, 0, "Slack answered internal_error");

      // The Slack retry: after the job's backoff, only Slack is sent.
      clock.advance(60_000);
      await runEngine();
      const posts = slackPosts();
      assert.equal(posts.length, 1);
      assert.equal(slack.channels.get(posts[0]?.channel ?? "")?.name, "incident-review");
      const mrkdwn = String(posts[0]?.text);
      assert.match(mrkdwn, /^\*Foghorn weekly digest: 2026-03-02 – 2026-03-08 \(UTC\)\*$/m);
      assert.match(mrkdwn, /Checkout &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; payments down/);
      assert.match(mrkdwn, new RegExp(`<${PUBLIC_URL}/incidents/INC-\\d+\\|INC-\\d+>`));
      assert.equal(smtp.received.length, 1, "the email was not sent again with the Slack retry");

      // The following week is queued.
      assert.deepEqual(
        (await digestJobs()).map((j) => [j.key, j.state]),
        [["digest:2026-03-16", "pending"]],
      );
      await call(`/api/v1/incidents/${late}/status`, { body: { status: "resolved" } });
    });

    test("the week's job running again (a retry, a restart, a second replica) sends nothing", async () => {
      const now = clock.now().toISOString();
      for (let i = 0; i < 2; i++) {
        await fh.database.db.execute(sql`
          insert into jobs (kind, key, payload, run_at, created_at)
          values ('metrics.digest', 'digest:2026-03-09', '{"week":"2026-03-09"}'::jsonb, ${now}::timestamptz,
                  ${now}::timestamptz)`);
        await runEngine();
      }
      assert.equal(smtp.received.length, 1);
      assert.equal(slackPosts().length, 1);
      const [row] = await executeRows(
        fh.database.db,
        sql`select completed_at, email_sent_at, slack_sent_at from metric_digests where week = '2026-03-09'`,
      );
      assert.ok(row?.completed_at && row.email_sent_at && row.slack_sent_at);
    });

    test("preview: the last seven full days as the server would render them, and when the next goes out", async () => {
      const view = await call("/api/v1/metrics/digest");
      assert.deepEqual(view.range, { from: "2026-03-02", to: "2026-03-09" });
      assert.match(String(view.subject), /^Foghorn weekly digest 2026-03-02 – 2026-03-08: 2 incidents/);
      assert.match(String(view.text), /Checkout <script>/);
      assert.match(String(view.html), /Checkout &lt;script&gt;/);
      assert.match(String(view.slack), /Checkout &lt;script&gt;/);
      assert.deepEqual(view.settings, {
        enabled: true,
        weekday: "monday",
        hour: 9,
        time_zone: "Europe/Berlin",
        email: RECIPIENTS,
        slack_channel: "#incident-review",
        next_at: "2026-03-16T08:00:00.000Z",
      });
    });

    test("send now: admins only, to every destination, not counted as the week's digest", async () => {
      const username = uniqueName("bob");
      await call("/api/v1/users", { body: { username, display_name: "Bob" } }, 201);
      const bobToken = String((await call("/api/v1/tokens", { body: { name: "cli", username } }, 201)).token);
      const refused = await fh.api("/api/v1/metrics/digest/send", { body: {}, token: bobToken });
      assert.equal(refused.status, 403);
      assert.match(
        String(((await refused.json()) as Json).detail),
        /send the weekly digest now \(admins\): it needs the admin role/,
      );
      assert.equal(smtp.received.length, 1);

      const sent = await call("/api/v1/metrics/digest/send", { body: {} });
      assert.deepEqual(sent, {
        range: { from: "2026-03-02", to: "2026-03-09" },
        email: RECIPIENTS,
        slack_channel: "#incident-review",
      });
      const mail = await smtp.message(1);
      assert.match(mail.parsed.subject ?? "", /^Foghorn weekly digest 2026-03-02 – 2026-03-08/);
      assert.equal(slackPosts().length, 2);
      assert.deepEqual(
        (await digestJobs()).map((j) => [j.key, j.state]),
        [["digest:2026-03-16", "pending"]],
        "the scheduled digest is untouched",
      );
    });

    test("foghorn metrics digest: --preview prints the text, --send sends it, both at once is a usage error", async () => {
      const env = { FOGHORN_URL: fh.url, FOGHORN_TOKEN: fh.token };
      const preview = await cli(["metrics", "digest", "--preview"], { env });
      assert.equal(preview.code, 0, preview.stderr);
      const lines = preview.stdout.split("\n");
      assert.match(lines[0] ?? "", /^Subject: Foghorn weekly digest 2026-03-02 – 2026-03-08: 2 incidents/);
      assert.ok(lines.includes("Foghorn weekly digest: 2026-03-02 – 2026-03-08 (UTC)"));
      assert.ok(lines.some((l) => /^INC-\d+ \[SEV3\] Search results stale$/.test(l)));
      const html = await cli(["metrics", "digest", "--html"], { env });
      assert.equal(html.code, 0, html.stderr);
      assert.match(html.stdout, /^<!doctype html>/);
      const before = smtp.received.length;
      const sent = await cli(["metrics", "digest", "--send"], { env });
      assert.equal(sent.code, 0, sent.stderr);
      assert.equal(
        sent.stdout.trim(),
        `Sent the digest of 2026-03-02 to 2026-03-09 (exclusive) to ${RECIPIENTS.join(", ")}, Slack #incident-review.`,
      );
      await smtp.message(before);
      const both = await cli(["metrics", "digest", "--preview", "--send"], { env });
      assert.equal(both.code, 2);
      assert.match(both.stderr, /choose one of --preview and --send/);
    });

    test("a destination that refuses it: 503 naming the reason", async () => {
      slack.errorNext(1, "channel_not_found");
      const res = await fh.api("/api/v1/metrics/digest/send", { body: {} });
      assert.equal(res.status, 503);
      assert.match(String(((await res.json()) as Json).detail), /channel_not_found/);
    });
  });
}
