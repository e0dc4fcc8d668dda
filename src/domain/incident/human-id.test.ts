import assert from "node:assert/strict";
import { test } from "node:test";
import { formatHumanId, parseHumanId } from "./human-id.ts";

test("incidents are shown as INC-<n>", () => {
  assert.equal(formatHumanId(1), "INC-1");
  assert.equal(formatHumanId(42), "INC-42");
});

test("INC-42, inc-42, a bare 42 and padded forms all read as 42", () => {
  for (const text of ["INC-42", "inc-42", "Inc-42", "42", " INC-42 ", "INC-042", "0042"]) {
    assert.equal(parseHumanId(text), 42, text);
  }
});

test("anything else is not an incident id", () => {
  for (const text of [
    "",
    "INC-",
    "INC-0",
    "0",
    "-1",
    "INC--1",
    "INC 42",
    "INC_42",
    "#42",
    "INC-4.2",
    "INC-1e3",
    "4 2",
    "INC-42x",
    "ABC-42",
    "INC-1234567890123456",
  ]) {
    assert.equal(parseHumanId(text), undefined, JSON.stringify(text));
  }
});

test("format and parse round-trip", () => {
  for (const n of [1, 2, 9, 10, 99, 100, 12345, 2147483647, Number.MAX_SAFE_INTEGER % 10 ** 15]) {
    assert.equal(parseHumanId(formatHumanId(n)), n);
  }
});
