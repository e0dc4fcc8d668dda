import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  applyCheckResult,
  type CheckRunState,
  checkShouldAlert,
  type HealthCheckSnapshot,
  type OpenAlertSnapshot,
  type ServiceHealth,
  serviceHealth,
} from "./health.ts";

const pass = (name: string): HealthCheckSnapshot => ({ name, state: "passing", consecutiveFailures: 0 });
const fail = (name: string, n = 1): HealthCheckSnapshot => ({
  name,
  state: "failing",
  consecutiveFailures: n,
});
const unknown = (name: string): HealthCheckSnapshot => ({ name, state: "unknown", consecutiveFailures: 0 });
const alert = (severity: OpenAlertSnapshot["severity"], suppressed = false): OpenAlertSnapshot => ({
  severity,
  suppressed,
});

describe("serviceHealth", () => {
  const table: [string, HealthCheckSnapshot[], OpenAlertSnapshot[], ServiceHealth][] = [
    ["nothing at all", [], [], { status: "healthy", reasons: [] }],
    ["all checks passing", [pass("api"), pass("db")], [], { status: "healthy", reasons: [] }],
    ["only unknown checks", [unknown("api")], [], { status: "healthy", reasons: [] }],
    [
      "the only check failing",
      [fail("api", 3)],
      [],
      { status: "down", reasons: ["check 'api' failing (3 in a row)"] },
    ],
    [
      "every known check failing, unknowns ignored",
      [fail("api"), fail("db", 2), unknown("cache")],
      [],
      { status: "down", reasons: ["check 'api' failing", "check 'db' failing (2 in a row)"] },
    ],
    [
      "some checks failing",
      [fail("api", 5), pass("db")],
      [],
      { status: "degraded", reasons: ["check 'api' failing (5 in a row)"] },
    ],
    [
      "one open critical alert",
      [],
      [alert("critical")],
      { status: "down", reasons: ["1 open alert, 1 critical"] },
    ],
    [
      "critical alert while checks pass",
      [pass("api")],
      [alert("critical"), alert("warning")],
      { status: "down", reasons: ["2 open alerts, 1 critical"] },
    ],
    ["one open error alert", [], [alert("error")], { status: "degraded", reasons: ["1 open alert"] }],
    [
      "warning, info and no-severity alerts",
      [pass("api")],
      [alert("warning"), alert("info"), alert(null)],
      { status: "degraded", reasons: ["3 open alerts"] },
    ],
    [
      "suppressed critical alert does not count",
      [pass("api")],
      [alert("critical", true)],
      { status: "healthy", reasons: [] },
    ],
    [
      "suppressed alerts are left out of the count",
      [],
      [alert("critical", true), alert("warning"), alert("critical")],
      { status: "down", reasons: ["2 open alerts, 1 critical"] },
    ],
    [
      "some checks failing plus an alert",
      [fail("api", 2), pass("db")],
      [alert("error")],
      { status: "degraded", reasons: ["check 'api' failing (2 in a row)", "1 open alert"] },
    ],
    [
      "all failing plus alerts",
      [fail("api", 4)],
      [alert("critical"), alert("critical"), alert("info")],
      { status: "down", reasons: ["check 'api' failing (4 in a row)", "3 open alerts, 2 critical"] },
    ],
  ];
  for (const [why, checks, openAlerts, expected] of table) {
    test(`${why}: ${expected.status}`, () =>
      assert.deepEqual(serviceHealth({ checks, openAlerts }), expected));
  }
});

describe("checkShouldAlert", () => {
  const table: [number, number, boolean][] = [
    [0, 3, false],
    [1, 3, false],
    [2, 3, false],
    [3, 3, true],
    [10, 3, true],
    [1, 1, true],
    [0, 1, false],
    [0, 0, false],
    [1, 0, true],
    [1, -5, true],
    [1, Number.NaN, true],
    [2, 2.5, false],
    [3, 2.5, true],
  ];
  for (const [failures, threshold, expected] of table) {
    test(`${failures} failures, threshold ${threshold} → ${expected}`, () =>
      assert.equal(checkShouldAlert(failures, threshold), expected));
  }
});

describe("applyCheckResult (damping)", () => {
  /** Runs a sequence of results ("F" fail, "P" pass) and returns the action after each. */
  function run(results: string, threshold: number): string {
    let state: CheckRunState = { consecutiveFailures: 0, alerting: false };
    const actions: string[] = [];
    for (const r of results) {
      const { next, action } = applyCheckResult(state, r === "P", threshold);
      state = next;
      actions.push(action === "open" ? "O" : action === "resolve" ? "R" : ".");
    }
    return actions.join("");
  }

  const table: [string, number, string, string][] = [
    ["FFF", 3, "..O", "opens on the third failure in a row"],
    ["FFFFF", 3, "..O..", "opens once, later failures keep it open"],
    ["FFPFF", 3, ".....", "a pass in between resets the count"],
    ["FFFP", 3, "..OR", "a single pass resolves"],
    ["FFFPFFF", 3, "..OR..O", "reopens after threshold more failures"],
    ["F", 1, "O", "threshold 1 opens at once"],
    ["PPP", 3, "...", "passing checks never act"],
    ["FP", 0, "OR", "threshold 0 behaves like 1"],
  ];
  for (const [results, threshold, expected, why] of table) {
    test(`${results} threshold ${threshold} → ${expected} (${why})`, () =>
      assert.equal(run(results, threshold), expected));
  }

  test("the count and alerting flag follow the results", () => {
    const first = applyCheckResult({ consecutiveFailures: 2, alerting: false }, false, 3);
    assert.deepEqual(first, { next: { consecutiveFailures: 3, alerting: true }, action: "open" });
    const second = applyCheckResult(first.next, true, 3);
    assert.deepEqual(second, { next: { consecutiveFailures: 0, alerting: false }, action: "resolve" });
  });
});
