import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { INCIDENT_ROLES, isSingleHolderRole, normalizeHandle, parseRole } from "./roles.ts";

describe("role names", () => {
  const aliases: [string, string][] = [
    ["commander", "commander"],
    ["Commander", "commander"],
    ["ic", "commander"],
    ["IC", "commander"],
    ["incident_commander", "commander"],
    ["incident-commander", "commander"],
    ["Incident Commander", "commander"],
    ["assignee", "commander"],
    ["communications_lead", "communications_lead"],
    ["communications-lead", "communications_lead"],
    ["communications", "communications_lead"],
    ["comms", "communications_lead"],
    ["comms-lead", "communications_lead"],
    ["Comms Lead", "communications_lead"],
    ["scribe", "scribe"],
    [" SCRIBE ", "scribe"],
    ["responder", "responder"],
    ["responders", "responder"],
    ["Responder", "responder"],
  ];
  for (const [text, role] of aliases) {
    test(`${JSON.stringify(text)} is ${role}`, () => assert.equal(parseRole(text), role));
  }

  test("unknown role names are refused", () => {
    for (const text of ["", "lead", "owner", "manager", "commanders", "comm", "i c", "scribe!", "incident"]) {
      assert.equal(parseRole(text), undefined, JSON.stringify(text));
    }
  });

  test("every canonical role parses to itself", () => {
    for (const role of INCIDENT_ROLES) assert.equal(parseRole(role), role);
  });

  test("commander, communications lead and scribe have one holder; responders accumulate", () => {
    assert.deepEqual(
      INCIDENT_ROLES.map((r) => [r, isSingleHolderRole(r)]),
      [
        ["commander", true],
        ["communications_lead", true],
        ["scribe", true],
        ["responder", false],
      ],
    );
  });
});

describe("handles", () => {
  const valid: [string, string][] = [
    ["alice", "alice"],
    ["@alice", "alice"],
    ["  bob.smith ", "bob.smith"],
    ["a_b-c.d", "a_b-c.d"],
    ["A1", "A1"],
    ["carol\n", "carol"],
    ["7", "7"],
    ["x".repeat(64), "x".repeat(64)],
  ];
  for (const [text, handle] of valid) {
    test(`${JSON.stringify(text)} is the handle ${handle}`, () =>
      assert.equal(normalizeHandle(text), handle));
  }

  test("handles that are empty, too long or have other characters are refused", () => {
    for (const text of [
      "",
      "@",
      "  ",
      "@@alice",
      "x".repeat(65),
      "-alice",
      ".alice",
      "_alice",
      "al ice",
      "alice@example.com",
      "élodie",
      "bob/ops",
      "a\u0000b",
      "a\nb",
    ]) {
      assert.equal(normalizeHandle(text), undefined, JSON.stringify(text));
    }
  });
});
