import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sectionTable, toCsv } from "./tables.ts";
import { METRIC_SECTIONS, type MetricsReport } from "./types.ts";

const duration = (count: number, mean: number | null, median: number | null, p90: number | null) => ({
  count,
  mean_seconds: mean,
  median_seconds: median,
  p90_seconds: p90,
});

const report: MetricsReport = {
  range: { from: "2026-03-01", to: "2026-03-15", days: 14 },
  filters: { service: null, team: null, severity: [], type: null },
  generated_at: "2026-03-15T10:00:00.000Z",
  response_times: [
    { severity: "SEV1", incidents: 2, mtta: duration(2, 150, 120, 180), mttr: duration(1, 3600, 3600, 3600) },
    { severity: "all", incidents: 2, mtta: duration(2, 150, 120, 180), mttr: duration(0, null, null, null) },
  ],
  frequency: [
    { week: "2026-02-23", SEV1: 1, SEV2: 0, SEV3: 0, SEV4: 0, total: 1 },
    { week: "2026-03-02", SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4, total: 10 },
  ],
  trend: [
    {
      week: "2026-03-02",
      incidents: 10,
      mtta_median_seconds: 120,
      mttr_median_seconds: null,
      sla_ratio: 0.9,
    },
  ],
  sla: [
    { severity: "SEV1", target_minutes: 5, compliance: { met: 3, total: 4, ratio: 0.75 } },
    { severity: "all", target_minutes: null, compliance: { met: 3, total: 4, ratio: 0.75 } },
  ],
  update_compliance: [
    { severity: "SEV1", cadence_minutes: 15, compliance: { met: 0, total: 0, ratio: null } },
  ],
  postmortem_compliance: [
    { severity: "SEV2", due_hours: 48, compliance: { met: 1, total: 3, ratio: 1 / 3 }, late: 1, missing: 1 },
  ],
  action_items: { open: 5, overdue: 2, done: 7 },
  alerts: {
    total: 12,
    noise: 3,
    noise_ratio: 0.25,
    by_service: [
      { service: "api", alerts: 10, noise: 2, noise_ratio: 0.2 },
      { service: "web", alerts: 2, noise: 1, noise_ratio: 0.5 },
    ],
  },
  oncall_load: {
    sent: 4,
    off_hours: 1,
    failed: 0,
    people: [{ user: "alice", name: "Alice, Jr.", sent: 4, off_hours: 1, failed: 0, off_hours_ratio: 0.25 }],
  },
  uptime: [
    {
      component: "API",
      group: null,
      uptime_percent: 99.95,
      major_outage_minutes: 10,
      partial_outage_minutes: 0,
    },
  ],
};

describe("sectionTable", () => {
  test("every section is a table whose rows are as wide as its columns", () => {
    for (const section of METRIC_SECTIONS) {
      const table = sectionTable(report, section);
      assert.ok(table.columns.length > 0, section);
      assert.equal(new Set(table.columns).size, table.columns.length, `${section}: duplicate column`);
      for (const row of table.rows) assert.equal(row.length, table.columns.length, section);
    }
  });

  test("response times: one row per severity, durations in seconds, null stays null", () => {
    const t = sectionTable(report, "response-times");
    assert.deepEqual(t.columns, [
      "severity",
      "incidents",
      "mtta_count",
      "mtta_mean_seconds",
      "mtta_median_seconds",
      "mtta_p90_seconds",
      "mttr_count",
      "mttr_mean_seconds",
      "mttr_median_seconds",
      "mttr_p90_seconds",
    ]);
    assert.deepEqual(t.rows[0], ["SEV1", 2, 2, 150, 120, 180, 1, 3600, 3600, 3600]);
    assert.deepEqual(t.rows[1], ["all", 2, 2, 150, 120, 180, 0, null, null, null]);
  });

  test("one row per list item; action items are one row", () => {
    assert.equal(sectionTable(report, "frequency").rows.length, 2);
    assert.deepEqual(sectionTable(report, "frequency").rows[1], ["2026-03-02", 1, 2, 3, 4, 10]);
    assert.deepEqual(sectionTable(report, "sla").rows[0], ["SEV1", 5, 3, 4, 0.75]);
    assert.deepEqual(sectionTable(report, "postmortem-compliance").rows[0], ["SEV2", 48, 1, 3, 1 / 3, 1, 1]);
    assert.deepEqual(sectionTable(report, "action-items"), {
      columns: ["open", "overdue", "done"],
      rows: [[5, 2, 7]],
    });
    assert.deepEqual(sectionTable(report, "alerts").rows, [
      ["api", 10, 2, 0.2],
      ["web", 2, 1, 0.5],
    ]);
    assert.deepEqual(sectionTable(report, "oncall-load").rows, [["alice", "Alice, Jr.", 4, 1, 0, 0.25]]);
    assert.deepEqual(sectionTable(report, "uptime").rows, [["API", null, 99.95, 10, 0]]);
  });
});

describe("toCsv", () => {
  test("header and rows, CRLF line ends, null as an empty cell", () => {
    assert.equal(
      toCsv(sectionTable(report, "trend")),
      "week,incidents,mtta_median_seconds,mttr_median_seconds,sla_ratio\r\n2026-03-02,10,120,,0.9\r\n",
    );
  });

  test("cells with commas, quotes or line breaks are quoted, quotes doubled", () => {
    const csv = toCsv({
      columns: ["name", "note"],
      rows: [
        ["Alice, Jr.", 'say "hi"'],
        ["two\nlines", "cr\rlf"],
      ],
    });
    assert.equal(csv, 'name,note\r\n"Alice, Jr.","say ""hi"""\r\n"two\nlines","cr\rlf"\r\n');
  });

  test("text that a spreadsheet would run as a formula is prefixed with an apostrophe", () => {
    const csv = toCsv({
      columns: ["service"],
      rows: [['=HYPERLINK("http://x")'], ["+1"], ["-2+3"], ["@SUM(A1)"], ["\tcmd"], ["safe=ok"]],
    });
    assert.equal(
      csv,
      'service\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n\'-2+3\r\n\'@SUM(A1)\r\n\'\tcmd\r\nsafe=ok\r\n',
    );
  });

  test("numbers are written as numbers, negative ones too; non-finite ones are empty", () => {
    assert.equal(
      toCsv({ columns: ["a", "b", "c"], rows: [[-5, 0.25, Number.NaN]] }),
      "a,b,c\r\n-5,0.25,\r\n",
    );
  });

  test("an empty section is just its header", () => {
    assert.equal(toCsv({ columns: ["service", "alerts"], rows: [] }), "service,alerts\r\n");
  });
});
