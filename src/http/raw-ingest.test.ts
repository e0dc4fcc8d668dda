// readIngest keeps the Alertmanager bodies it read: a group re-sent unchanged is not parsed again. What a
// sender must see is unchanged: each body yields its own event, for its own routing key, and a body that
// is refused is refused every time.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { readIngest } from "./raw-ingest.ts";

const fixture = readFileSync(
  new URL("../../test/fixtures/alertmanager-webhook-firing.json", import.meta.url),
  "utf8",
);
const KEY_A = "A".repeat(32);
const KEY_B = "B".repeat(32);
const path = (key: string) => `/webhooks/alertmanager/${key}`;
const read = (key: string, text: string) => readIngest(path(key), Buffer.from(text), 1 << 20);

test("a body read again gives the same event, without reading it anew", () => {
  const first = read(KEY_A, fixture);
  const again = read(KEY_A, fixture);
  assert.ok(first);
  assert.equal(again, first, "the event read the first time");
  assert.equal(first.key, KEY_A);
  assert.equal(JSON.parse(first.event).action, "trigger");
});

test("a changed body is read anew; the same body for another key is that key's", () => {
  const firing = read(KEY_A, fixture);
  const resolved = read(KEY_A, fixture.replaceAll('"firing"', '"resolved"'));
  assert.ok(firing && resolved);
  assert.equal(JSON.parse(resolved.event).action, "resolve");
  assert.equal(resolved.dedupKey, firing.dedupKey);
  const other = read(KEY_B, fixture);
  assert.equal(other?.key, KEY_B);
  assert.equal(other?.event, firing.event);
});

test("a refused body is refused every time", () => {
  const wrongVersion = fixture.replace('"version":"4"', '"version":"3"');
  assert.notEqual(wrongVersion, fixture);
  assert.equal(read(KEY_A, wrongVersion), undefined);
  assert.equal(read(KEY_A, wrongVersion), undefined);
  // Over the body limit: refused before anything is looked up.
  assert.equal(readIngest(path(KEY_A), Buffer.from(fixture), 100), undefined);
});
