// Models asked for JSON do not always answer with JSON alone: local servers may ignore
// `response_format`, and chatty models wrap the object in prose or a ```json fence.

/**
 * The first balanced `{…}` in the text that parses as a JSON object, as text; undefined when there is
 * none. Braces inside JSON strings are skipped.
 */
export function extractJsonObject(text: string): string | undefined {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    const end = matchingBrace(text, start);
    const candidate = end === -1 ? "" : text.slice(start, end + 1);
    if (candidate && parsesAsObject(candidate)) return candidate;
  }
  return undefined;
}

/** Index of the `}` closing the `{` at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

function parsesAsObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** The first JSON object in the text, parsed; undefined when there is none. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const json = extractJsonObject(text);
  // extractJsonObject returns only text that parses to a non-null, non-array object.
  return json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
}
