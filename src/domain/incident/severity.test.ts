import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  acceptedSeverityNames,
  DEFAULT_SEVERITY_POLICY,
  PRIORITY_SCHEMES,
  type PriorityScheme,
  parseSeverity,
  type Severity,
  severityRank,
  severityWord,
} from "./severity.ts";

const ACCEPTED: Record<PriorityScheme, string[]> = {
  "p1-p4": ["SEV1", "SEV2", "SEV3", "SEV4", "critical", "high", "medium", "low", "P1", "P2", "P3", "P4"],
  "p0-p3": ["SEV1", "SEV2", "SEV3", "SEV4", "critical", "high", "medium", "low", "P0", "P1", "P2", "P3"],
};

// Spellings that mean the same level under both schemes.
const SCHEME_FREE: [string, Severity][] = [
  ["SEV1", "SEV1"],
  ["SEV2", "SEV2"],
  ["SEV3", "SEV3"],
  ["SEV4", "SEV4"],
  ["sev1", "SEV1"],
  ["Sev2", "SEV2"],
  ["sEv3", "SEV3"],
  ["SEV 4", "SEV4"],
  ["sev-1", "SEV1"],
  ["Sev 1", "SEV1"],
  ["SEV_2", "SEV2"],
  ["  sev3\t", "SEV3"],
  ["sev - 4", "SEV4"],
  ["critical", "SEV1"],
  ["high", "SEV2"],
  ["medium", "SEV3"],
  ["low", "SEV4"],
  ["CRITICAL", "SEV1"],
  ["High", "SEV2"],
  [" Medium ", "SEV3"],
  ["LOW", "SEV4"],
];

const P_LEVELS: Record<PriorityScheme, [string, Severity][]> = {
  "p1-p4": [
    ["P1", "SEV1"],
    ["P2", "SEV2"],
    ["P3", "SEV3"],
    ["P4", "SEV4"],
    ["p1", "SEV1"],
    [" p2 ", "SEV2"],
    ["P-3", "SEV3"],
    ["p 4", "SEV4"],
  ],
  "p0-p3": [
    ["P0", "SEV1"],
    ["P1", "SEV2"],
    ["P2", "SEV3"],
    ["P3", "SEV4"],
    ["p0", "SEV1"],
    [" p1 ", "SEV2"],
    ["P-2", "SEV3"],
    ["p 3", "SEV4"],
  ],
};

const JUNK = [
  "",
  "   ",
  "SEV0",
  "SEV5",
  "SEV12",
  "sev",
  "1",
  "P5",
  "P10",
  "P",
  "urgent",
  "crit",
  "critical!",
  "SEV1 high",
  "severity 1",
  "S1",
  "P1.0",
  "１",
];

for (const scheme of PRIORITY_SCHEMES) {
  describe(`severity spellings under ${scheme}`, () => {
    for (const [input, expected] of [...SCHEME_FREE, ...P_LEVELS[scheme]]) {
      test(`${JSON.stringify(input)} is ${expected}`, () => {
        assert.deepEqual(parseSeverity(input, scheme), { ok: true, severity: expected });
      });
    }

    const invalidP = scheme === "p1-p4" ? ["P0", "p0", "P-0"] : ["P4", "p4", "P 4"];
    for (const input of [...invalidP, ...JUNK]) {
      test(`${JSON.stringify(input)} is refused with the accepted spellings`, () => {
        assert.deepEqual(parseSeverity(input, scheme), { ok: false, accepted: ACCEPTED[scheme] });
      });
    }

    test("acceptedSeverityNames lists every accepted spelling", () => {
      assert.deepEqual(acceptedSeverityNames(scheme), ACCEPTED[scheme]);
      for (const name of acceptedSeverityNames(scheme))
        assert.equal(parseSeverity(name, scheme).ok, true, name);
    });
  });
}

describe("severity helpers", () => {
  test("p1-p4 is the default scheme", () => {
    assert.deepEqual(parseSeverity("P1"), { ok: true, severity: "SEV1" });
    assert.equal(parseSeverity("P0").ok, false);
  });

  test("seed 002 words and ranks", () => {
    assert.deepEqual(
      (["SEV1", "SEV2", "SEV3", "SEV4"] as const).map((s) => [severityWord(s), severityRank(s)]),
      [
        ["critical", 1],
        ["high", 2],
        ["medium", 3],
        ["low", 4],
      ],
    );
  });

  test("the default policy is SPEC §1's table", () => {
    const table = Object.entries(DEFAULT_SEVERITY_POLICY).map(([level, p]) => [
      level,
      p.ackWithinMinutes,
      p.updateEveryMinutes,
      p.postmortem,
      p.postmortemDueHours,
      p.escalateIfUnresolvedMinutes,
    ]);
    assert.deepEqual(table, [
      ["SEV1", 5, 15, "required", 48, 30],
      ["SEV2", 15, 30, "required", 48, 120],
      ["SEV3", 60, 120, "lightweight", null, null],
      ["SEV4", 240, 1440, "none", null, null],
    ]);
  });
});
