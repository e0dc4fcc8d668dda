// A logic-less template renderer: `{{name}}` placeholders from a fixed vocabulary, replaced in ONE pass.
// Values are inserted as plain text and never scanned again, and nothing in a template is evaluated, so
// an incident titled "{{commander}}" or a template containing "${process.exit(1)}" renders as that text.

/** Every `{{…}}` in a text: the name between the braces (trimmed), whatever it is. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The placeholder names a text uses, in order of appearance, duplicates removed. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? "").trim()))];
}

/** The placeholders of `text` that are not in `known` (empty when the text is valid). */
export function unknownPlaceholders(text: string, known: readonly string[]): string[] {
  const names = new Set(known);
  return placeholdersIn(text).filter((name) => !names.has(name));
}

/**
 * Replaces each `{{name}}` whose name has a value with that value, once. A placeholder without a value
 * (configured texts are checked against the vocabulary when the config loads) is left as it was written.
 */
export function renderTemplate(text: string, values: ReadonlyMap<string, string>): string {
  // A replacer function: its return value is used verbatim ("$&" in a value is not a pattern).
  return text.replace(PLACEHOLDER, (whole, name: string) => values.get(name.trim()) ?? whole);
}
