import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { isAppError } from "./errors.ts";
import { parseInput } from "./validation.ts";

const Input = z
  .object({
    title: z.string({ error: "must be text" }),
    members: z.array(z.string()),
    nested: z.object({ count: z.number({ error: "must be a number" }) }).optional(),
  })
  .strict();

function fieldsOf(input: unknown): Record<string, string> {
  try {
    parseInput(Input, input);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
  }
  assert.fail("expected the input to be refused");
}

test("a missing field is 'is required'; a field of the wrong type says what it should be", () => {
  assert.deepEqual(fieldsOf({ members: [] }), { title: "is required" });
  const wrong = fieldsOf({ title: 42, members: "alice", nested: { count: "three" } });
  assert.equal(wrong.title, "must be text");
  assert.match(wrong.members ?? "", /expected array/);
  assert.equal(wrong["nested.count"], "must be a number");
  assert.match(fieldsOf("not an object")["(body)"] ?? "", /expected object/);
  assert.deepEqual(fieldsOf(undefined), { "(body)": "is required" });
});
