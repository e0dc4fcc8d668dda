import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractJsonObject, parseJsonObject } from "./json-answer.ts";
import { readPostmortemDraft } from "./postmortem-answer.ts";

describe("finding the JSON object in a model's answer", () => {
  test("a bare object, one in a code fence, one after prose", () => {
    assert.equal(extractJsonObject('{"a": 1}'), '{"a": 1}');
    assert.equal(extractJsonObject('```json\n{"a": {"b": "}"}}\n```'), '{"a": {"b": "}"}}');
    assert.equal(extractJsonObject('Note {not json} then {"a": "x \\" {"}'), '{"a": "x \\" {"}');
  });

  test("no object: undefined (a list or prose is not a draft)", () => {
    assert.equal(extractJsonObject("I cannot help with that."), undefined);
    assert.equal(extractJsonObject('["a", "b"]'), undefined);
    assert.equal(extractJsonObject('{"unterminated": '), undefined);
    assert.equal(parseJsonObject("{}")?.constructor, Object);
  });
});

describe("reading a postmortem draft from the answer", () => {
  test("the asked-for shape is taken as is, trimmed", () => {
    const draft = readPostmortemDraft({
      summary: "  Exports failed for 42 minutes. ",
      impact: {
        customers: "120 accounts",
        symptom: "timeouts",
        data_integrity: "none",
        revenue: "none known",
      },
      five_whys: ["1", "2", "3", "4", "5"],
    });
    assert.deepEqual(draft, {
      summary: "Exports failed for 42 minutes.",
      impact: {
        customers: "120 accounts",
        symptom: "timeouts",
        data_integrity: "none",
        revenue: "none known",
      },
      five_whys: ["1", "2", "3", "4", "5"],
    });
  });

  test("near misses are tolerated: numbers, nulls, more than five whys, whys as one numbered text", () => {
    const draft = readPostmortemDraft({
      summary: null,
      impact: { customers_affected: 120, revenue_impact: "unknown" },
      five_whys: "1. Slow query\n2) No index\n- Not reviewed",
    });
    assert.deepEqual(draft, {
      summary: "",
      impact: { customers: "120", symptom: "", data_integrity: "", revenue: "unknown" },
      five_whys: ["Slow query", "No index", "Not reviewed", "", ""],
    });
    const many = readPostmortemDraft({ five_whys: ["a", "b", "", "c", "d", "e", "f"] });
    assert.deepEqual(many?.five_whys, ["a", "b", "c", "d", "e"]);
  });

  test("JSON with none of the fields is not a draft", () => {
    assert.equal(readPostmortemDraft({ answer: 42 }), undefined);
    assert.equal(readPostmortemDraft({ summary: " ", impact: {}, five_whys: [] }), undefined);
  });
});
