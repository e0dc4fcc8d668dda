/**
 * The small JSONPath subset the generic webhook mapping uses to point into a sender's body, and the
 * `{{ … }}` templates that join several selectors into one text. Only plain paths: `$.a.b`, `$.list[0]`,
 * `$["key with spaces"]`; no wildcards, filters or recursion, because a mapping must yield one value and
 * an admin must be able to predict which.
 */

/** One step of a selector: an object key or an array index. */
export type Step = { key: string } | { index: number };

export interface Placeholder {
  selector: string;
  steps: Step[];
}

export type Expression =
  | { kind: "selector"; selector: string; steps: Step[] }
  | { kind: "template"; parts: (string | Placeholder)[] };

export type Compiled = { ok: true; expression: Expression } | { ok: false; message: string };

const HINT = "use $.field.sub or $.list[0]";
/** Dotted keys: letters, digits, `_` and `-` (`$.alert-name`); anything else goes in `$["…"]`. */
const DOT_KEY = /[A-Za-z0-9_-]+/y;
const INDEX = /\[(0|[1-9]\d{0,8})\]/y;

/**
 * Parses `$`, `$.a.b`, `$.list[0]`, `$["key"]` or `$['key']` into steps; undefined when it is none of those.
 * Inside quotes a backslash makes the next character literal (`$["say \"hi\""]`).
 */
export function parseSelector(text: string): Step[] | undefined {
  if (!text.startsWith("$")) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    if (text[i] === ".") {
      DOT_KEY.lastIndex = i + 1;
      const m = DOT_KEY.exec(text);
      if (!m) return undefined;
      steps.push({ key: m[0] });
      i = DOT_KEY.lastIndex;
      continue;
    }
    if (text[i] !== "[") return undefined;
    INDEX.lastIndex = i;
    const index = INDEX.exec(text);
    if (index) {
      steps.push({ index: Number(index[1]) });
      i = INDEX.lastIndex;
      continue;
    }
    const quote = text[i + 1];
    if (quote !== '"' && quote !== "'") return undefined;
    let key = "";
    let j = i + 2;
    for (; j < text.length && text[j] !== quote; j++) {
      if (text[j] === "\\") j++;
      key += text[j] ?? "";
    }
    if (j >= text.length || text[j + 1] !== "]") return undefined;
    steps.push({ key });
    i = j + 2;
  }
  return steps;
}

/**
 * A bare selector, or (when it contains `{{`) a template such as `{{ $.host }}: {{ $.check }}`. The
 * messages are written for the admin who typed the mapping and say what would be valid.
 */
export function compileExpression(text: string, allowTemplate = true): Compiled {
  if (!allowTemplate || !text.includes("{{")) {
    const steps = parseSelector(text);
    if (steps) return { ok: true, expression: { kind: "selector", selector: text, steps } };
    return { ok: false, message: `${JSON.stringify(text)} is not a valid selector; ${HINT}` };
  }
  const parts: (string | Placeholder)[] = [];
  let rest = 0;
  for (let open = text.indexOf("{{"); open >= 0; open = text.indexOf("{{", rest)) {
    const close = text.indexOf("}}", open + 2);
    if (close < 0) return { ok: false, message: `${JSON.stringify(text)} opens a "{{" that no "}}" closes` };
    const selector = text.slice(open + 2, close).trim();
    const steps = parseSelector(selector);
    if (!steps) {
      return {
        ok: false,
        message: `${JSON.stringify(selector)} in the template is not a valid selector; ${HINT}`,
      };
    }
    if (open > rest) parts.push(text.slice(rest, open));
    parts.push({ selector, steps });
    rest = close + 2;
  }
  if (rest < text.length) parts.push(text.slice(rest));
  return { ok: true, expression: { kind: "template", parts } };
}

/** The value at the steps, or undefined when the path does not exist or ends on null. */
export function select(body: unknown, steps: readonly Step[]): unknown {
  let here = body;
  for (const step of steps) {
    if ("index" in step) {
      if (!Array.isArray(here) || step.index >= here.length) return undefined;
      here = here[step.index];
    } else {
      // Own keys only: `$.constructor` or `$.__proto__` must not reach into the prototype.
      if (typeof here !== "object" || here === null || Array.isArray(here)) return undefined;
      if (!Object.hasOwn(here, step.key)) return undefined;
      here = (here as Record<string, unknown>)[step.key];
    }
  }
  return here === null ? undefined : here;
}

/**
 * Evaluates a compiled expression. A template renders each placeholder as text (objects as JSON) and a
 * missing one as "": one absent field should not lose the whole summary. A template in which nothing
 * matched yields undefined, so "summary matched nothing" is still reported.
 */
export function evaluate(expression: Expression, body: unknown): unknown {
  if (expression.kind === "selector") return select(body, expression.steps);
  let found = false;
  let text = "";
  for (const part of expression.parts) {
    if (typeof part === "string") {
      text += part;
      continue;
    }
    const value = select(body, part.steps);
    if (value === undefined) continue;
    found = true;
    text += typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return found ? text : undefined;
}
