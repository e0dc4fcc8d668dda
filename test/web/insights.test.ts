// The Insights page's URL ↔ API mapping and how it writes figures (web/src/features/insights/).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { metricsCsvUrl } from "../../web/src/api/metrics-query.ts";
import { duration, percent } from "../../web/src/features/insights/format.ts";
import { apiParams, readInsightsQuery, withInsightsParams } from "../../web/src/features/insights/query.ts";

const read = (qs: string) => readInsightsQuery(new URLSearchParams(qs));

describe("Insights filters in the URL", () => {
  it("defaults to the last 30 days; presets become `days`", () => {
    assert.deepEqual(apiParams(read("")), { days: 30 });
    assert.deepEqual(apiParams(read("range=7d")), { days: 7 });
    assert.deepEqual(apiParams(read("range=1y")), { days: 365 });
    assert.deepEqual(apiParams(read("range=nonsense")), { days: 30 });
  });

  it("a custom range shows both days included; the API's `to` is the day after", () => {
    const query = read("from=2026-03-01&to=2026-03-31");
    assert.equal(query.range, "custom");
    assert.deepEqual(apiParams(query), { from: "2026-03-01", to: "2026-04-01" });
    // Across a year's end, and one day.
    assert.deepEqual(apiParams(read("from=2026-12-31&to=2026-12-31")), {
      from: "2026-12-31",
      to: "2027-01-01",
    });
    // Not a date: ignored.
    assert.deepEqual(apiParams(read("from=yesterday")), { days: 30 });
  });

  it("service, team, type and severities pass through; severities known, once, in policy order", () => {
    assert.deepEqual(
      apiParams(read("range=90d&service=checkout&team=payments&type=none&severity=sev2,SEV1,SEV2,P9")),
      {
        days: 90,
        service: "checkout",
        team: "payments",
        type: "none",
        severity: "SEV1,SEV2",
      },
    );
  });

  it("changes drop empty values and the default range", () => {
    const search = new URLSearchParams("range=90d&service=checkout");
    assert.equal(withInsightsParams(search, { range: "30d", service: "" }).toString(), "");
    assert.equal(
      withInsightsParams(search, { range: null, from: "2026-01-01", to: "2026-01-31" }).toString(),
      "service=checkout&from=2026-01-01&to=2026-01-31",
    );
  });
});

describe("Insights figures", () => {
  it('durations read "42s", "4m 12s", "2h 05m", "3d 04h"; nothing is "—"', () => {
    assert.equal(duration(42), "42s");
    assert.equal(duration(252), "4m 12s");
    assert.equal(duration(59.6), "1m 00s");
    assert.equal(duration(7500), "2h 05m");
    assert.equal(duration(7559), "2h 05m");
    assert.equal(duration(273_600), "3d 04h");
    assert.equal(duration(0), "0s");
    assert.equal(duration(null), "—");
  });

  it('shares read "93.5 %"; 100.0 % and 0.0 % only when exact', () => {
    assert.equal(percent(0.935), "93.5 %");
    assert.equal(percent(1), "100.0 %");
    assert.equal(percent(0.99996), "99.9 %");
    assert.equal(percent(0), "0.0 %");
    assert.equal(percent(0.0004), "0.1 %");
    assert.equal(percent(0.5, 0), "50 %");
    assert.equal(percent(null), "—");
  });
});

describe("Insights CSV links", () => {
  it("carry the same filters as the page's report", () => {
    const params = apiParams(read("from=2026-03-01&to=2026-03-31&severity=SEV1,SEV2&team=payments"));
    assert.equal(
      metricsCsvUrl("frequency", params),
      "/api/v1/metrics/frequency?from=2026-03-01&to=2026-04-01&team=payments&severity=SEV1%2CSEV2&format=csv",
    );
  });
});
