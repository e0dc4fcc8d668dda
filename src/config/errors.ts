import { editDistance } from "#domain/edit-distance.ts";

/** One problem with the configuration: which key, where its value came from, what is wrong and the fix. */
export interface ConfigIssue {
  /** Dotted key, e.g. "server.port"; "" for a problem with the file as a whole. */
  key: string;
  /** "env PORT", "/etc/foghorn/foghorn.config.yaml:3", "default", … */
  source: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.key ? `${issue.key} (${issue.source}): ${issue.message}` : `${issue.source}: ${issue.message}`;
}

/** Thrown by loadConfig; the message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(
      `Invalid Foghorn configuration (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
    );
    this.issues = issues;
  }
}

/** The message for a key the schema does not know, naming the closest known key when one stands out. */
export function unknownKeyMessage(name: string, known: string[]): string {
  const normalise = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
  const ranked = known
    .map((k) => ({ k, d: normalise(k) === normalise(name) ? 0 : editDistance(k, name) }))
    .filter((c) => c.d <= 2)
    .sort((a, b) => a.d - b.d);
  const [best, next] = ranked;
  if (best && (!next || next.d > best.d)) return `unknown key; did you mean "${best.k}"?`;
  return `unknown key; remove it or use one of: ${known.join(", ")}`;
}

/** How a rejected value is shown: secrets are never echoed. */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (secret) return typeof value === "string" ? `a ${value.length}-character value` : `a ${typeof value}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
