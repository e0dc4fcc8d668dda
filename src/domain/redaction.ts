// Redaction of text before it leaves Foghorn (AI drafts now, action item enrichment later): every match
// of a pattern becomes "[redacted]", and the replacements are counted so the user can be told.

export const REDACTION_MARK = "[redacted]";

/**
 * The built-in pattern sets, each turned on by name in `ai.builtInRedactions`. Applied in this order:
 * secrets first, so "postgres://user:pw@db.example.com" keeps its host.
 */
export const BUILT_IN_REDACTION_NAMES = ["secrets", "emails", "ip-addresses"] as const;
export type BuiltInRedactionName = (typeof BUILT_IN_REDACTION_NAMES)[number];

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

/**
 * What each built-in set matches. `secrets` keeps the word that announces a secret ("Bearer", "password=",
 * "postgres://user:") and replaces only the secret itself, so the text still reads.
 */
export const BUILT_IN_REDACTIONS: Record<BuiltInRedactionName, readonly RegExp[]> = {
  secrets: [
    // "Bearer eyJ…", and whatever follows "Authorization: <scheme>".
    /(?<=\bbearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi,
    /(?<=\bauthorization:\s*[A-Za-z]+\s+)(?!\[redacted\])[^\s"',;]+/gi,
    // Vendor key shapes: OpenAI/Stripe sk-…/sk_live_…, Slack xox?-…, GitHub ghp_…, GitLab glpat-…, AWS AKIA….
    /\b(?:sk|pk|rk)[-_][A-Za-z0-9_-]{16,}/g,
    /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
    /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
    /\bglpat-[A-Za-z0-9_-]{20,}/g,
    /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    // JSON web tokens.
    /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    // "password=…", "api_key: …", "secret=…", "token=…".
    /(?<=\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;&]{4,}/gi,
    // The password in a URL: postgres://user:secret@host.
    /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+(?=@)/gi,
  ],
  emails: [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g],
  "ip-addresses": [new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d.]*\\d)`, "g")],
};

/** The patterns of the named built-in sets, in a stable order. */
export function builtInRedactions(names: readonly BuiltInRedactionName[]): RegExp[] {
  return BUILT_IN_REDACTION_NAMES.filter((name) => names.includes(name)).flatMap((name) => [
    ...BUILT_IN_REDACTIONS[name],
  ]);
}

/**
 * Reads a configured pattern: plain text is a regular expression (case-sensitive); `/pattern/flags`
 * gives flags such as `i`. Always global. A pattern that matches empty text is refused: it would
 * "redact" between every two characters.
 */
export function parseRedactionPattern(
  text: string,
): { ok: true; regex: RegExp } | { ok: false; error: string } {
  const literal = /^\/(.+)\/([dimsuvy]*)$/s.exec(text);
  const source = literal?.[1] ?? text;
  const flags = `${literal?.[2] ?? ""}g`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "";
    return { ok: false, error: `is not a valid regular expression (${reason})` };
  }
  if (new RegExp(source, flags.replace("g", "")).test("")) {
    return { ok: false, error: "matches empty text, so it would match everywhere; make it match something" };
  }
  return { ok: true, regex };
}

/** Replaces every match with "[redacted]"; counts the replacements. */
export class Redactor {
  private readonly patterns: readonly RegExp[];
  /** Replacements made so far, over every text this redactor saw. */
  count = 0;

  constructor(patterns: readonly RegExp[]) {
    // A non-global pattern would replace only its first match.
    this.patterns = patterns.map((p) => (p.global ? p : new RegExp(p.source, `${p.flags}g`)));
  }

  /** The text with every match of every pattern replaced. */
  redact(text: string): string {
    let out = text;
    for (const pattern of this.patterns) {
      out = out.replace(pattern, (match) => {
        if (match === "" || match === REDACTION_MARK) return match;
        this.count += 1;
        return REDACTION_MARK;
      });
    }
    return out;
  }
}

/** One text redacted: the result and how many replacements it took. */
export function redactText(text: string, patterns: readonly RegExp[]): { text: string; count: number } {
  const redactor = new Redactor(patterns);
  return { text: redactor.redact(text), count: redactor.count };
}

/**
 * The patterns in force: the named built-in sets, then the configured ones (already validated by the
 * configuration; an invalid one here is a programming error).
 */
export function redactionPatterns(
  builtIn: readonly BuiltInRedactionName[],
  custom: readonly string[],
): RegExp[] {
  return [
    ...builtInRedactions(builtIn),
    ...custom.map((text) => {
      const parsed = parseRedactionPattern(text);
      if (!parsed.ok) throw new Error(`redaction pattern ${JSON.stringify(text)} ${parsed.error}`);
      return parsed.regex;
    }),
  ];
}
