import assert from "node:assert/strict";
import { test } from "node:test";
import { mostSevereLabel, severityFromLabel } from "./severity.ts";

test("severity synonyms map onto the four severities, case-insensitively", () => {
  const table: [string | undefined, string | null][] = [
    ["critical", "critical"],
    ["CRIT", "critical"],
    ["page", "critical"],
    ["P1", "critical"],
    ["emergency", "critical"],
    ["fatal", "critical"],
    ["error", "error"],
    ["err", "error"],
    ["High", "error"],
    ["major", "error"],
    ["p2", "error"],
    ["warning", "warning"],
    [" warn ", "warning"],
    ["medium", "warning"],
    ["minor", "warning"],
    ["p3", "warning"],
    ["info", "info"],
    ["low", "info"],
    ["none", "info"],
    ["notice", "info"],
    ["p4", "info"],
    ["sev1", null],
    ["", null],
    [undefined, null],
  ];
  for (const [label, expected] of table) assert.equal(severityFromLabel(label), expected, String(label));
});

test("the most severe known label wins; unknown and missing labels are skipped", () => {
  assert.equal(mostSevereLabel(["info", "bogus", undefined, "warn"]), "warning");
  assert.equal(mostSevereLabel(["p4", "page"]), "critical");
  assert.equal(mostSevereLabel(["bogus", undefined]), null);
  assert.equal(mostSevereLabel([]), null);
});
