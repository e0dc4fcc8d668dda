import assert from "node:assert/strict";
import { test } from "node:test";
import { charCount, normaliseTimestamp } from "./fields.ts";

test("normaliseTimestamp: ISO 8601 forms senders use, to UTC", () => {
  const cases: [string, string | undefined][] = [
    ["2015-07-17T08:42:58.315+0000", "2015-07-17T08:42:58.315Z"],
    ["2015-07-17T08:42:58.315+00", "2015-07-17T08:42:58.315Z"],
    ["2015-07-17t08:42:58z", "2015-07-17T08:42:58.000Z"],
    ["2015-07-17T08:42", "2015-07-17T08:42:00.000Z"],
    ["2015-07-17", "2015-07-17T00:00:00.000Z"],
    ["2015-07-17T23:30:00-01:00", "2015-07-18T00:30:00.000Z"],
    ["2015-07-17T08:42:58,5Z", "2015-07-17T08:42:58.500Z"],
    ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00.000Z"],
    ["2016-02-29T00:00:00Z", "2016-02-29T00:00:00.000Z"],
    ["2015-02-29T00:00:00Z", undefined],
    ["2015-13-01T00:00:00Z", undefined],
    ["2015-07-17T08:60:00Z", undefined],
    ["2015-07-17T08:42:58+2400", undefined],
    ["17/07/2015", undefined],
    ["", undefined],
  ];
  for (const [text, iso] of cases) assert.equal(normaliseTimestamp(text), iso, text);
});

test("charCount counts code points", () => {
  assert.equal(charCount("abc"), 3);
  assert.equal(charCount("🔥🔥"), 2);
  assert.equal(charCount(""), 0);
});
