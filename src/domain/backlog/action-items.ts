// action-items.md (seed 000): one bullet per item, `- <action> — <Owner> — p:<high|medium|low>`.
// Lenient where a person typing markdown is likely to differ (dash style, spacing, a missing owner or
// priority), strict where a guess would file the wrong thing (no action, an unknown priority).

import { ACTION_ITEM_PRIORITIES, type ActionItemPriority } from "../incident/action-item.ts";
import { inferItemType } from "./item-type.ts";
import type { MarkdownActionItem, ParseIssue } from "./types.ts";

/** The bullet grammar, quoted in every message about a bullet. */
export const ACTION_ITEM_GRAMMAR = "- <action> — <Owner> — p:<high|medium|low>";

const EXPECTED = `expected "${ACTION_ITEM_GRAMMAR}"`;
const DEFAULT_PRIORITY: ActionItemPriority = "medium";
const BULLET = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/;
const FENCE = /^\s*(```|~~~)/;
// An owner is a name or a handle ("Bob", "Alice Smith", "@carol"); a longer phrase after a separator is
// more likely part of the action written with a spaced hyphen.
const MAX_OWNER_WORDS = 3;

interface Bullet {
  line: number;
  text: string;
}

/**
 * Parses action-items.md: its `# ` title and one item per top-level bullet. A malformed bullet is an
 * error (skipped) naming the file, line and the expected grammar; the other bullets still go through.
 */
export function parseActionItems(
  file: string,
  text: string,
): { title: string | null; items: MarkdownActionItem[]; issues: ParseIssue[] } {
  const issues: ParseIssue[] = [];
  const items: MarkdownActionItem[] = [];
  const { title, bullets } = scanBullets(file, text, issues);
  for (const bullet of bullets) {
    const item = parseBullet(file, bullet, issues);
    if (item) items.push(item);
  }
  if (bullets.length === 0) {
    issues.push({ file, line: 0, level: "warning", message: `no action items found: ${EXPECTED}` });
  }
  return { title, items, issues };
}

/** Finds the title and the top-level bullets (with their wrapped continuation lines), outside code fences. */
function scanBullets(
  file: string,
  text: string,
  issues: ParseIssue[],
): { title: string | null; bullets: Bullet[] } {
  let title: string | null = null;
  const bullets: Bullet[] = [];
  let current: Bullet | null = null;
  let inFence = false;
  let inComment = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (FENCE.test(raw)) {
      inFence = !inFence;
      current = null;
      return;
    }
    if (inFence) return;
    if (inComment || raw.trimStart().startsWith("<!--")) {
      inComment = !raw.includes("-->");
      return;
    }
    const heading = /^#\s+(.+?)\s*#*\s*$/.exec(raw);
    if (heading?.[1] !== undefined) {
      if (title === null) title = heading[1];
      current = null;
      return;
    }
    const bullet = BULLET.exec(raw);
    if (bullet) {
      const indent = bullet[1] ?? "";
      if (indent.replace(/\t/g, "    ").length >= 2) {
        issues.push({
          file,
          line,
          level: "warning",
          message: "nested bullet ignored: only top-level bullets are action items",
        });
        current = null;
        return;
      }
      current = { line, text: bullet[2] ?? "" };
      bullets.push(current);
      return;
    }
    if (raw.trim() === "") {
      current = null;
      return;
    }
    // A wrapped bullet: markdown keeps an indented (or lazy) following line in the same list item.
    if (current !== null) current.text += ` ${raw.trim()}`;
  });
  return { title, bullets };
}

/** Replaces the inside of inline code spans so separators and tokens in `code` are never seen. */
function maskCode(text: string): string {
  return text.replace(/`[^`]*`/g, (span) => `\`${"x".repeat(span.length - 2)}\``);
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
}

function parseBullet(file: string, bullet: Bullet, issues: ParseIssue[]): MarkdownActionItem | null {
  const { line } = bullet;
  const fail = (message: string): null => {
    issues.push({ file, line, level: "error", message: `${message}; ${EXPECTED}` });
    return null;
  };
  let text = bullet.text.replace(/^\[[ xX]\]\s+/, "");
  let masked = maskCode(text);

  // `p:<priority>` and `type:<bug|task>` may stand anywhere in the bullet.
  let priority: ActionItemPriority | null = null;
  let type: "bug" | "task" | null = null;
  for (const match of masked.matchAll(/(^|\s)(p|type):(\S*)/gi)) {
    const start = (match.index ?? 0) + (match[1] ?? "").length;
    const end = (match.index ?? 0) + match[0].length;
    const value = text.slice(start, end).replace(/^\w+:/, "").toLowerCase();
    if ((match[2] ?? "").toLowerCase() === "p") {
      if (!isPriority(value)) return fail(`unknown priority "p:${value}" (p:high, p:medium or p:low)`);
      if (priority !== null && priority !== value) return fail("two different priorities");
      priority = value;
    } else {
      if (value !== "bug" && value !== "task")
        return fail(`unknown type "type:${value}" (type:bug or type:task)`);
      if (type !== null && type !== value) return fail("two different types");
      type = value;
    }
    text = blank(text, start, end);
    masked = blank(masked, start, end);
  }

  const parts = splitOnSeparators(text, masked);
  const first = parts[0];
  if (first === undefined || first.text === "") {
    return fail(parts.length > 1 ? "no action before the first separator" : "empty bullet");
  }
  const rest = parts.slice(1).filter((part) => part.text !== "");
  let owner: string | null = null;
  let action = first.text;
  const last = rest.at(-1);
  if (last !== undefined && last.text.split(/\s+/).length <= MAX_OWNER_WORDS) {
    owner = last.text;
    action = text.slice(0, last.separatorStart).trim();
  } else if (last !== undefined) {
    action = text.slice(0, last.end).trim();
  }
  action = action.replace(/\s+/g, " ");

  if (owner === null) {
    issues.push({
      file,
      line,
      level: "warning",
      message: `no owner: expected "— <Owner>" after the action; filed without an assignee`,
    });
  }
  if (priority === null) {
    issues.push({
      file,
      line,
      level: "warning",
      message: `no priority: expected "— p:<high|medium|low>"; using p:${DEFAULT_PRIORITY}`,
    });
  }
  return {
    file,
    line,
    action,
    owner,
    priority: priority ?? DEFAULT_PRIORITY,
    type: type ?? inferItemType(action),
    typeExplicit: type !== null,
  };
}

function isPriority(value: string): value is ActionItemPriority {
  return (ACTION_ITEM_PRIORITIES as readonly string[]).includes(value);
}

interface Part {
  text: string;
  /** Where the separator before this part starts (0 for the first part). */
  separatorStart: number;
  end: number;
}

/**
 * Splits on the separators: em dash, en dash, `--` or `-`, each only with spaces (or the bullet's edge)
 * around it, so "re-run" stays one word. When the bullet uses em or en dashes, only those split: a spaced
 * hyphen inside the action ("retry - with backoff — Bob") is then text.
 */
function splitOnSeparators(text: string, masked: string): Part[] {
  const all = [...masked.matchAll(/(?<=^|\s)(—|–|--|-)(?=\s|$)/g)];
  const strong = all.filter((match) => match[1] === "—" || match[1] === "–");
  const separators = strong.length > 0 ? strong : all;
  const parts: Part[] = [];
  let from = 0;
  let separatorStart = 0;
  for (const match of separators) {
    const at = match.index ?? 0;
    parts.push({ text: text.slice(from, at).trim(), separatorStart, end: at });
    separatorStart = at;
    from = at + match[0].length;
  }
  parts.push({ text: text.slice(from).trim(), separatorStart, end: text.length });
  return parts;
}
