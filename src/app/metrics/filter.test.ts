import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_SEVERITY_POLICY, type PriorityScheme } from "#domain/incident/severity.ts";
import { ManualClock } from "#domain/time.ts";
import { AppError } from "../errors.ts";
import { parseMetricsFilter } from "./filter.ts";

const ctx = (scheme: PriorityScheme = "p1-p4") => ({
  clock: new ManualClock("2026-03-10T15:30:00Z"),
  policy: { severities: DEFAULT_SEVERITY_POLICY, priorityScheme: scheme },
});
const day = (d: string) => new Date(`${d}T00:00:00.000Z`);

/** The AppError's field errors, for inputs that must be refused. */
function refused(input: Record<string, string | undefined>, scheme?: PriorityScheme) {
  try {
    parseMetricsFilter(ctx(scheme), input);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, "INVALID_INPUT");
    return error.fields;
  }
  assert.fail("expected a validation error");
}

describe("parseMetricsFilter", () => {
  test("defaults: the last 30 days including today, every severity, no other filter", () => {
    assert.deepEqual(parseMetricsFilter(ctx(), {}), {
      from: day("2026-02-09"),
      to: day("2026-03-11"),
      service: null,
      team: null,
      severities: [],
      type: null,
    });
  });

  test("days: the N days ending today, or before `to`", () => {
    const f = parseMetricsFilter(ctx(), { days: "7" });
    assert.deepEqual([f.from, f.to], [day("2026-03-04"), day("2026-03-11")]);
    const g = parseMetricsFilter(ctx(), { days: "1", to: "2026-01-01" });
    assert.deepEqual([g.from, g.to], [day("2025-12-31"), day("2026-01-01")]);
  });

  test("from and to as dates; to is exclusive and defaults to tomorrow", () => {
    const f = parseMetricsFilter(ctx(), { from: "2026-01-01", to: "2026-02-01" });
    assert.deepEqual([f.from, f.to], [day("2026-01-01"), day("2026-02-01")]);
    const g = parseMetricsFilter(ctx(), { from: "2026-03-01" });
    assert.deepEqual([g.from, g.to], [day("2026-03-01"), day("2026-03-11")]);
  });

  test("ISO instants are rounded down to their UTC day", () => {
    const f = parseMetricsFilter(ctx(), {
      from: "2026-03-01T23:59:59Z",
      to: "2026-03-05T01:00:00+02:00", // 2026-03-04T23:00Z
    });
    assert.deepEqual([f.from, f.to], [day("2026-03-01"), day("2026-03-04")]);
  });

  test("bad dates are refused, each named", () => {
    const fields = refused({ from: "2026-02-30", to: "yesterday" });
    assert.deepEqual(
      fields.map((f) => f.field),
      ["from", "to"],
    );
    assert.match(fields[0]?.message ?? "", /YYYY-MM-DD/);
    assert.deepEqual(
      refused({ from: "2026-03-01T10:00" }).map((f) => f.field),
      ["from"],
      "an instant without a zone is ambiguous",
    );
  });

  test("to must be after from", () => {
    const same = refused({ from: "2026-03-01", to: "2026-03-01" });
    assert.deepEqual(
      same.map((f) => f.field),
      ["to"],
    );
    assert.match(same[0]?.message ?? "", /after from \(2026-03-01\)/);
    assert.deepEqual(
      refused({ from: "2026-03-05", to: "2026-03-01" }).map((f) => f.field),
      ["to"],
    );
  });

  test("days must be a whole number in range, and not given with from", () => {
    for (const days of ["0", "-3", "2.5", "ten", "4000"])
      assert.deepEqual(
        refused({ days }).map((f) => f.field),
        ["days"],
        days,
      );
    assert.match(refused({ days: "7", from: "2026-03-01" })[0]?.message ?? "", /either from or days/);
  });

  test("severity lists accept aliases, ignore blanks and repeats, and come out in severity order", () => {
    const f = parseMetricsFilter(ctx(), { severity: "low, critical,SEV2,,sev-1,P3" });
    assert.deepEqual(f.severities, ["SEV1", "SEV2", "SEV3", "SEV4"]);
    assert.deepEqual(parseMetricsFilter(ctx("p0-p3"), { severity: "P0" }).severities, ["SEV1"]);
  });

  test("an unknown severity is refused with the accepted names", () => {
    const fields = refused({ severity: "SEV1,SEV9,urgent" });
    assert.equal(fields.length, 1);
    assert.equal(fields[0]?.field, "severity");
    assert.match(fields[0]?.message ?? "", /"SEV9", "urgent"/);
    assert.match(
      fields[0]?.message ?? "",
      /SEV1, SEV2, SEV3, SEV4, critical, high, medium, low, P1, P2, P3, P4/,
    );
    assert.match(refused({ severity: "P4" }, "p0-p3")[0]?.message ?? "", /P0, P1, P2, P3/);
  });

  test("every bad field is reported at once", () => {
    const fields = refused({ from: "nope", days: "x", severity: "SEV7" });
    assert.deepEqual(fields.map((f) => f.field).sort(), ["days", "from", "severity"]);
  });

  test("names are trimmed; blanks mean no filter; type none means no type", () => {
    const f = parseMetricsFilter(ctx(), { service: " api ", team: "", type: "None" });
    assert.equal(f.service, "api");
    assert.equal(f.team, null);
    assert.equal(f.type, "none");
    assert.equal(parseMetricsFilter(ctx(), { type: "Database" }).type, "Database");
  });

  test("a name the database cannot store is refused", () => {
    assert.deepEqual(
      refused({ service: "a\u0000b" }).map((f) => f.field),
      ["service"],
    );
  });

  test("ranges longer than ten years are refused", () => {
    assert.deepEqual(
      refused({ from: "2000-01-01", to: "2026-01-01" }).map((f) => f.field),
      ["from"],
    );
  });
});
