import assert from "node:assert/strict";
import { test } from "node:test";
import { BUILTIN_TEMPLATES, TEMPLATE_NAMES, templatesWithOverrides } from "./builtin.ts";
import { PLACEHOLDER_NAMES } from "./placeholders.ts";
import { placeholdersIn, renderTemplate, unknownPlaceholders } from "./render.ts";

const values = new Map([
  ["title", "Checkout {{commander}} down"],
  ["commander", "bob"],
  ["impact", "costs $& and $1"],
]);

test("placeholders are replaced once; values are never expanded again", () => {
  assert.equal(
    renderTemplate("T: {{title}} / C: {{ commander }}", values),
    "T: Checkout {{commander}} down / C: bob",
  );
  // String.replace patterns in a value stay literal.
  assert.equal(renderTemplate("{{impact}}", values), "costs $& and $1");
});

test("code in a template is text: nothing is evaluated", () => {
  const attack =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${…} is the attack under test
    "{{constructor.constructor('return process')()}} ${process.exit(1)} <script>alert(1)</script> {{__proto__}} {{toString}}";
  assert.equal(renderTemplate(attack, values), attack);
  assert.deepEqual(unknownPlaceholders(attack, PLACEHOLDER_NAMES), [
    "constructor.constructor('return process')()",
    "__proto__",
    "toString",
  ]);
});

test("placeholdersIn lists names in order, once each", () => {
  assert.deepEqual(placeholdersIn("{{a}} {{ b }} {{a}} {{}}"), ["a", "b", ""]);
});

test("every built-in template uses only known placeholders", () => {
  for (const name of TEMPLATE_NAMES) {
    assert.deepEqual(unknownPlaceholders(BUILTIN_TEMPLATES[name].text, PLACEHOLDER_NAMES), [], name);
  }
});

test("an override replaces only the text of its template", () => {
  const all = templatesWithOverrides({ "status-doc": "# {{title}}" });
  const doc = all.find((t) => t.name === "status-doc");
  assert.equal(doc?.text, "# {{title}}");
  assert.equal(doc?.title, "Status doc");
  assert.equal(
    all.find((t) => t.name === "incident-declared")?.text,
    BUILTIN_TEMPLATES["incident-declared"].text,
  );
});
