import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type DigestFigures,
  type DigestInput,
  formatDigestDuration,
  formatRatio,
  renderDigest,
} from "./digest.ts";

const none = { count: 0, mean_seconds: null, median_seconds: null, p90_seconds: null };
const share = (met: number, total: number) => ({ met, total, ratio: total ? met / total : null });

/** A week by hand: three incidents (SEV1, two SEV3), one of them from a careless title. */
function figures(): DigestFigures {
  return {
    range: { from: "2026-03-02", to: "2026-03-09", days: 7 },
    response_times: [
      {
        severity: "SEV1",
        incidents: 1,
        mtta: { count: 1, mean_seconds: 252, median_seconds: 252, p90_seconds: 252 },
        mttr: { count: 1, mean_seconds: 7500, median_seconds: 7500, p90_seconds: 7500 },
      },
      { severity: "SEV2", incidents: 0, mtta: none, mttr: none },
      {
        severity: "SEV3",
        incidents: 2,
        mtta: { count: 2, mean_seconds: 45, median_seconds: 30, p90_seconds: 60 },
        mttr: { count: 1, mean_seconds: 90_000, median_seconds: 90_000, p90_seconds: 90_000 },
      },
      { severity: "SEV4", incidents: 0, mtta: none, mttr: none },
      {
        severity: "all",
        incidents: 3,
        mtta: { count: 3, mean_seconds: 114, median_seconds: 60, p90_seconds: 252 },
        mttr: { count: 2, mean_seconds: 48_750, median_seconds: 7500, p90_seconds: 90_000 },
      },
    ],
    sla: [{ severity: "all", target_minutes: null, compliance: share(2, 3) }],
    update_compliance: [{ severity: "all", compliance: share(0, 0) }],
    postmortem_compliance: [{ severity: "all", compliance: share(0, 1), late: 1, missing: 0 }],
    action_items: { open: 4, overdue: 1, done: 2 },
    alerts: {
      total: 10,
      noise: 4,
      noise_ratio: 0.4,
      by_service: [
        { service: "db", alerts: 2, noise: 0, noise_ratio: 0 },
        { service: "<img src=x onerror=alert(1)>", alerts: 8, noise: 4, noise_ratio: 0.5 },
      ],
    },
    oncall_load: {
      sent: 5,
      off_hours: 2,
      failed: 1,
      people: [{ user: "alice", name: "Alice & <Bob>", sent: 5, off_hours: 2, failed: 1 }],
    },
    uptime: [
      { component: "API", uptime_percent: 99.5 },
      { component: "Docs", uptime_percent: null },
    ],
  };
}

function input(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    figures: figures(),
    incidents: [
      {
        id: "INC-7",
        title: "Checkout <script>alert('x')</script> & down",
        severity: "SEV1",
        status: "resolved",
        createdAt: new Date("2026-03-03T10:00:00Z"),
        acknowledgedAt: new Date("2026-03-03T10:04:12Z"),
        resolvedAt: new Date("2026-03-03T12:05:00Z"),
        url: "https://foghorn.example.com/incidents/INC-7",
      },
    ],
    moreIncidents: 2,
    timeZone: "Europe/Berlin",
    links: {
      insights: "https://foghorn.example.com/insights?from=2026-03-02&to=2026-03-09",
      incidents: "https://foghorn.example.com/incidents",
    },
    ...overrides,
  };
}

describe("weekly digest rendering", () => {
  test("durations and ratios read like the CLI's", () => {
    assert.equal(formatDigestDuration(42), "42s");
    assert.equal(formatDigestDuration(252), "4m 12s");
    assert.equal(formatDigestDuration(7500), "2h 05m");
    assert.equal(formatDigestDuration(90_000), "1d 01h");
    assert.equal(formatDigestDuration(null), "—");
    assert.equal(formatRatio(0.935), "93.5 %");
    assert.equal(formatRatio(2 / 3), "66.7 %");
    assert.equal(formatRatio(null), "—");
  });

  test("subject and text: the range, counts by severity, tables, promises and the incident list", () => {
    const d = renderDigest(input());
    assert.equal(d.subject, "Foghorn weekly digest 2026-03-02 – 2026-03-08: 3 incidents (SEV1 1, SEV3 2)");
    const lines = d.text.split("\n");
    assert.equal(lines[0], "Foghorn weekly digest: 2026-03-02 – 2026-03-08 (UTC)");
    assert.ok(lines.includes("  Severity  Incidents  MTTA median  MTTA p90  MTTR median  MTTR p90"), d.text);
    assert.ok(lines.includes("  SEV1              1       4m 12s    4m 12s       2h 05m    2h 05m"), d.text);
    assert.ok(lines.includes("  All               3       1m 00s    4m 12s       2h 05m    1d 01h"), d.text);
    assert.ok(!d.text.includes("SEV2  "), "severities without incidents are left out of the table");
    assert.ok(lines.includes("Acknowledged within target (SLA): 66.7 % (2 of 3)"));
    assert.ok(lines.includes("Status updates on time: —"), "nothing counted shows a dash, not 0 %");
    assert.ok(lines.includes("Postmortems published on time: 0.0 % (0 of 1); 1 late, 0 missing"));
    assert.ok(lines.includes("Action items of these incidents: 4 open (1 overdue), 2 done"));
    assert.ok(lines.includes("10 alerts, 4 noise (40.0 %: opened no incident)"));
    assert.ok(lines.includes("5 pages sent, 2 off hours, 1 failed"));
    assert.ok(lines.includes("  API        99.50 %"), "components without data are left out");
    assert.ok(
      lines.includes("INC-7 [SEV1] Checkout <script>alert('x')</script> & down"),
      "text is not escaped",
    );
    assert.ok(
      lines.includes(
        "  Tue 2026-03-03 11:00 · resolved; time to acknowledge 4m 12s, to resolve 2h 05m · https://foghorn.example.com/incidents/INC-7",
      ),
      "times in the digest's zone",
    );
    assert.ok(lines.includes("…and 2 more incidents: https://foghorn.example.com/incidents"));
    const noisiest = lines.findIndex((l) => l.startsWith("  Service"));
    assert.match(
      lines[noisiest + 1] ?? "",
      /^ {2}<img src=x onerror=alert\(1\)> +8 +50\.0 %$/,
      "most alerts first",
    );
  });

  test("HTML: everything from people is escaped, links are http(s) only", () => {
    const d = renderDigest(input());
    assert.ok(!d.html.includes("<script>"), "no script from an incident title");
    assert.ok(!d.html.includes("<img"), "no markup from a service name");
    assert.ok(d.html.includes("Checkout &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; down"));
    assert.ok(d.html.includes("&lt;img src=x onerror=alert(1)&gt;"));
    assert.ok(d.html.includes("Alice &amp; &lt;Bob&gt;"));
    assert.ok(d.html.includes('<a href="https://foghorn.example.com/incidents/INC-7">INC-7</a>'));
    assert.ok(
      d.html.includes('<a href="https://foghorn.example.com/insights?from=2026-03-02&amp;to=2026-03-09">'),
      "the & of the query is escaped in the attribute",
    );
    const evil = renderDigest(
      input({
        incidents: [{ ...(input().incidents[0] as DigestInput["incidents"][0]), url: "javascript:alert(1)" }],
      }),
    );
    assert.ok(!evil.html.includes("javascript:"), "a non-http link is shown as text, not linked");
  });

  test("Slack mrkdwn: control characters escaped, links as <url|label>, tables in code blocks", () => {
    const d = renderDigest(input());
    assert.ok(d.slack.startsWith("*Foghorn weekly digest: 2026-03-02 – 2026-03-08 (UTC)*\n"));
    assert.ok(
      d.slack.includes(
        "• <https://foghorn.example.com/incidents/INC-7|INC-7> [SEV1] Checkout &lt;script&gt;alert('x')&lt;/script&gt; &amp; down",
      ),
      d.slack,
    );
    assert.ok(d.slack.includes("&lt;img src=x onerror=alert(1)&gt;"));
    assert.ok(d.slack.includes("Alice &amp; &lt;Bob&gt;"));
    assert.ok(!/<(?!https:\/\/)/.test(d.slack), "every < opens a link");
    assert.ok(d.slack.includes("```\nSeverity  Incidents"));
    assert.ok(d.slack.includes("<https://foghorn.example.com/incidents|…and 2 more incidents>"));
  });

  test("a quiet week, and no public URL: no links, plain sentences", () => {
    const quiet = figures();
    quiet.response_times = quiet.response_times.map((r) => ({ ...r, incidents: 0, mtta: none, mttr: none }));
    quiet.alerts = { total: 0, noise: 0, noise_ratio: null, by_service: [] };
    quiet.oncall_load = { sent: 0, off_hours: 0, failed: 0, people: [] };
    quiet.uptime = [];
    const d = renderDigest({
      figures: quiet,
      incidents: [],
      moreIncidents: 0,
      timeZone: "UTC",
      links: { insights: null, incidents: null },
    });
    assert.equal(d.subject, "Foghorn weekly digest 2026-03-02 – 2026-03-08: 0 incidents");
    for (const line of ["No incidents were declared.", "No alerts.", "No pages.", "None."])
      assert.ok(d.text.split("\n").includes(line), line);
    assert.ok(!d.html.includes("<a "));
    assert.ok(!d.slack.includes("<http"));
    assert.ok(!d.text.includes("Uptime"));
  });
});
