import assert from "node:assert/strict";
import { test } from "node:test";
import { compileExpression, evaluate, parseSelector, select } from "./selector.ts";

const body = {
  title: "Disk full",
  host: { name: "db-1", tags: ["prod", "eu"] },
  alerts: [{ name: "first", value: 97.5 }, { name: "second" }],
  "key with spaces": "spaced",
  'say "hi"': "quoted",
  "alert-name": "hyphen",
  up: false,
  nothing: null,
  "0": "zero",
};

test("selectors select what they point at", () => {
  const cases: [string, unknown][] = [
    ["$.title", "Disk full"],
    ["$.host.name", "db-1"],
    ["$.host.tags[1]", "eu"],
    ["$.alerts[0].name", "first"],
    ["$.alerts[0].value", 97.5],
    ["$.alerts[1].name", "second"],
    ['$["key with spaces"]', "spaced"],
    ["$['key with spaces']", "spaced"],
    ['$["say \\"hi\\""]', "quoted"],
    ['$["host"]["name"]', "db-1"],
    ["$.alert-name", "hyphen"],
    ["$.0", "zero"],
    ["$.up", false],
    ["$.host", body.host],
    ["$", body],
    // Missing paths, null, indexes out of range, steps of the wrong kind: nothing.
    ["$.missing", undefined],
    ["$.host.missing.deeper", undefined],
    ["$.alerts[5].name", undefined],
    ["$.nothing", undefined],
    ["$.title.length", undefined],
    ["$.host[0]", undefined],
    ["$.alerts.name", undefined],
    ["$.constructor", undefined],
    ["$.__proto__", undefined],
  ];
  for (const [selector, expected] of cases) {
    const steps = parseSelector(selector);
    assert.ok(steps, `${selector} should parse`);
    assert.deepEqual(select(body, steps), expected, selector);
  }
});

test("invalid selectors are refused with a hint", () => {
  for (const text of [
    "",
    "title",
    "$.",
    "$.a..b",
    "$a",
    "$.a[",
    "$.a[-1]",
    "$.a[01]",
    '$["a"',
    '$["a"x',
    "$.a b",
    "$.tags[*]",
    "$..a",
  ]) {
    assert.equal(parseSelector(text), undefined, text);
    assert.deepEqual(compileExpression(text), {
      ok: false,
      message: `${JSON.stringify(text)} is not a valid selector; use $.field.sub or $.list[0]`,
    });
  }
});

test("templates interpolate several selectors", () => {
  const cases: [string, unknown][] = [
    ["{{ $.host.name }}: {{ $.title }}", "db-1: Disk full"],
    ["{{$.title}}", "Disk full"],
    ["value {{ $.alerts[0].value }} up={{ $.up }}", "value 97.5 up=false"],
    ["tags {{ $.host.tags }}", 'tags ["prod","eu"]'],
    ["{{ $.missing }} on {{ $.host.name }}", " on db-1"],
    ["{{ $.missing }} and {{ $.nothing }}", undefined],
  ];
  for (const [template, expected] of cases) {
    const compiled = compileExpression(template);
    assert.ok(compiled.ok, template);
    assert.equal(evaluate(compiled.expression, body), expected, template);
  }
});

test("invalid templates name the problem", () => {
  assert.deepEqual(compileExpression("{{ $.a..b }} x"), {
    ok: false,
    message: '"$.a..b" in the template is not a valid selector; use $.field.sub or $.list[0]',
  });
  assert.deepEqual(compileExpression("{{ $.a }"), {
    ok: false,
    message: '"{{ $.a }" opens a "{{" that no "}}" closes',
  });
  assert.equal(compileExpression("{{ $.a }}", false).ok, false);
});
