import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkFieldValue,
  checkFieldValues,
  checkOptions,
  FIELD_KEY_PATTERN,
  type FieldDefinition,
  mergeFieldValues,
  TEXT_VALUE_MAX,
} from "./custom-fields.ts";

const tier: FieldDefinition = {
  key: "customer_tier",
  label: "Customer tier",
  kind: "select",
  options: ["gold", "silver", "bronze"],
};
const lost: FieldDefinition = { key: "orders_lost", label: "Orders lost", kind: "number", options: [] };
const region: FieldDefinition = { key: "region", label: "Region", kind: "text", options: [] };

describe("custom field keys", () => {
  test("lower-case slugs starting with a letter", () => {
    for (const ok of ["customer_tier", "a", "region2", "x".repeat(40)]) assert.match(ok, FIELD_KEY_PATTERN);
    for (const bad of ["Customer", "2fast", "_x", "with-dash", "with space", "", "x".repeat(41), "tier.gold"])
      assert.doesNotMatch(bad, FIELD_KEY_PATTERN, bad);
  });
});

describe("select options", () => {
  test("a select field needs distinct options; text and number take none", () => {
    assert.equal(checkOptions("select", ["gold", "silver"]), undefined);
    assert.match(checkOptions("select", []) ?? "", /at least one option/);
    assert.match(checkOptions("select", ["gold", "Gold"]) ?? "", /"Gold" is given twice/);
    assert.match(checkOptions("select", [" gold"]) ?? "", /spaces/);
    assert.match(checkOptions("select", [""]) ?? "", /empty/);
    assert.match(checkOptions("text", ["a"]) ?? "", /takes no options/);
    assert.equal(checkOptions("number", []), undefined);
  });
});

describe("field values", () => {
  test("numbers must be finite; numeric strings are read as numbers", () => {
    assert.deepEqual(checkFieldValue(lost, 12), { ok: true, value: 12 });
    assert.deepEqual(checkFieldValue(lost, " 3.5 "), { ok: true, value: 3.5 });
    assert.deepEqual(checkFieldValue(lost, -2), { ok: true, value: -2 });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "12 orders", "", "Infinity", null, true, [1]]) {
      const r = checkFieldValue(lost, bad);
      assert.equal(r.ok, false, String(bad));
      if (!r.ok) assert.match(r.message, /finite number/);
    }
  });

  test("select values must be one of the options, matched ignoring case, stored as spelled in the options", () => {
    assert.deepEqual(checkFieldValue(tier, "GOLD"), { ok: true, value: "gold" });
    const r = checkFieldValue(tier, "platinum");
    assert.deepEqual(r, { ok: false, message: "must be one of gold, silver, bronze" });
    assert.equal(checkFieldValue(tier, 1).ok, false);
  });

  test("text is trimmed, non-empty and bounded", () => {
    assert.deepEqual(checkFieldValue(region, "  eu-west-1 "), { ok: true, value: "eu-west-1" });
    assert.deepEqual(checkFieldValue(region, 42), { ok: true, value: "42" });
    assert.equal(checkFieldValue(region, "   ").ok, false);
    assert.equal(checkFieldValue(region, "x".repeat(TEXT_VALUE_MAX)).ok, true);
    const long = checkFieldValue(region, "x".repeat(TEXT_VALUE_MAX + 1));
    assert.equal(long.ok, false);
    assert.equal(checkFieldValue(region, { a: 1 }).ok, false);
  });

  test("a set of values reports every problem with its key, unknown keys naming the known ones", () => {
    const r = checkFieldValues([tier, lost, region], {
      customer_tier: "tin",
      orders_lost: "many",
      color: "red",
      region: "eu",
    });
    assert.deepEqual(r.values, { region: "eu" });
    assert.deepEqual(
      r.problems.map((p) => p.key),
      ["customer_tier", "orders_lost", "color"],
    );
    assert.match(r.problems[2]?.message ?? "", /known fields: customer_tier, orders_lost, region/);
    assert.match(checkFieldValues([], { a: 1 }).problems[0]?.message ?? "", /none are defined yet/);
  });

  test("null removes a value only where allowed", () => {
    assert.deepEqual(checkFieldValues([tier], { customer_tier: null }, { allowNull: true }).values, {
      customer_tier: null,
    });
    assert.equal(checkFieldValues([tier], { customer_tier: null }).problems.length, 1);
  });

  test("merging reports from/to of each change and drops removed values", () => {
    const m = mergeFieldValues(
      { region: "eu", customer_tier: "gold" },
      { customer_tier: "silver", region: null, orders_lost: 3 },
    );
    assert.deepEqual(m.values, { customer_tier: "silver", orders_lost: 3 });
    assert.deepEqual(Object.keys(m.values), ["customer_tier", "orders_lost"]);
    assert.deepEqual(m.changed, {
      customer_tier: { from: "gold", to: "silver" },
      region: { from: "eu", to: null },
      orders_lost: { from: null, to: 3 },
    });
    assert.deepEqual(mergeFieldValues({ region: "eu" }, { region: "eu", x: null }).changed, {});
  });
});
