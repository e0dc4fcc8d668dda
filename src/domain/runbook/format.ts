/**
 * Seed 001's runbook format (docs/runbooks/<service>-runbook.md):
 *
 *   # Runbook: [Service Name]
 *   ## Service Overview
 *   ## Common Issues
 *   ### Issue 1: [Description]   with **Symptoms:**, **Diagnosis:**, **Resolution:**
 *   ## Escalation
 *
 * The checker reports what is missing as warnings, never errors: a runbook with a gap is still worth
 * saving, and the warning tells its author what to add.
 */

export const REQUIRED_SECTIONS = ["Service Overview", "Common Issues", "Escalation"] as const;
export const ISSUE_PARTS = ["Symptoms", "Diagnosis", "Resolution"] as const;

export interface RunbookIssue {
  /** The heading text after "### ", e.g. "Issue 1: Payment provider timeouts". */
  heading: string;
  /** Which of Symptoms / Diagnosis / Resolution it lacks. */
  missing: string[];
}

export interface RunbookOutline {
  /** The title from `# Runbook: X` (X), or the whole H1 when it has no "Runbook:" prefix; null without an H1. */
  title: string | null;
  /** The level-2 headings in order. */
  sections: string[];
  issues: RunbookIssue[];
  /** What is missing from seed 001's format, one readable sentence each. */
  warnings: string[];
}

interface Heading {
  level: number;
  text: string;
  line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

/** The ATX headings outside fenced code blocks (a `# comment` in a bash block is not a heading). */
function headings(lines: readonly string[]): Heading[] {
  const found: Heading[] = [];
  let fence: string | null = null;
  lines.forEach((raw, line) => {
    const open = FENCE.exec(raw);
    if (fence !== null) {
      if (open?.[1] && open[1][0] === fence[0] && open[1].length >= fence.length && raw.trim() === open[1])
        fence = null;
      return;
    }
    if (open?.[1]) {
      fence = open[1];
      return;
    }
    if (/^( {4}|\t)/.test(raw)) return; // an indented code block line
    const m = ATX.exec(raw);
    if (m?.[1]) found.push({ level: m[1].length, text: (m[2] ?? "").trim(), line });
  });
  return found;
}

const normalize = (s: string) =>
  s
    .toLowerCase()
    .replace(/[*_`]/g, "")
    .replace(/[:.]\s*$/, "")
    .trim();

/** True when the text holds a "**Symptoms:**"-style label (bold, colon inside or outside, any case). */
function hasLabel(text: string, label: string): boolean {
  return new RegExp(`(\\*\\*|__)\\s*${label}\\s*:?\\s*(\\*\\*|__)|^[\\s>*-]*${label}\\s*:`, "im").test(text);
}

/** Reads a runbook's title, sections and issues, and lists what seed 001's format expects but is missing. */
export function outlineRunbook(text: string): RunbookOutline {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const all = headings(lines);
  const warnings: string[] = [];

  const h1 = all.find((h) => h.level === 1);
  const title = h1 ? h1.text.replace(/^runbook\s*:\s*/i, "").trim() || null : null;
  if (!h1 || title === null) warnings.push('No title: start with "# Runbook: <service name>"');

  const sections = all.filter((h) => h.level === 2).map((h) => h.text);
  const present = new Set(sections.map(normalize));
  for (const name of REQUIRED_SECTIONS)
    if (!present.has(normalize(name))) warnings.push(`Missing section "## ${name}"`);

  // Issues are the ### headings under "## Common Issues" (up to the next ## or #).
  const issues: RunbookIssue[] = [];
  const commonAt = all.findIndex((h) => h.level === 2 && normalize(h.text) === normalize("Common Issues"));
  if (commonAt >= 0) {
    const after = all.slice(commonAt + 1);
    const endAt = after.findIndex((h) => h.level <= 2);
    const within = endAt < 0 ? after : after.slice(0, endAt);
    const end = endAt < 0 ? lines.length : (after[endAt]?.line ?? lines.length);
    const issueHeadings = within.filter((h) => h.level === 3);
    issueHeadings.forEach((h, i) => {
      const next = issueHeadings[i + 1]?.line ?? end;
      const body = lines.slice(h.line + 1, next).join("\n");
      const missing = ISSUE_PARTS.filter((part) => !hasLabel(body, part));
      issues.push({ heading: h.text, missing });
      if (missing.length) warnings.push(`"${h.text}" has no ${missing.map((m) => `**${m}:**`).join(", ")}`);
    });
    if (issueHeadings.length === 0)
      warnings.push('"## Common Issues" lists no issues: add "### Issue 1: <description>"');
  }

  return { title, sections, issues, warnings };
}
