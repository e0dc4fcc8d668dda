import { readFileSync } from "node:fs";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { ConfigIssue } from "./errors.ts";

/** A parsed foghorn.config.yaml. */
export interface ConfigFile {
  path: string;
  /** The document as plain data; null for an empty file. */
  data: unknown;
  /** "path:line" of the key at a path (the path alone if the key is not in the file). */
  locate(path: readonly PropertyKey[]): string;
}

export type ReadConfigFileResult =
  | { ok: true; file: ConfigFile | undefined }
  | { ok: false; issues: ConfigIssue[] };

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

/**
 * Reads and parses the config file. A missing file is fine unless it was named explicitly
 * (`namedBy` says by what, e.g. "env FOGHORN_CONFIG"); syntax errors name the file and line.
 */
export function readConfigFile(path: string, namedBy: string | undefined): ReadConfigFileResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" && !namedBy) return { ok: true, file: undefined };
    const message =
      code === "ENOENT"
        ? `config file ${path} does not exist; create it or correct the path`
        : `cannot read config file ${path} (${code ?? String(error)}); check the path and its permissions`;
    return { ok: false, issues: [{ key: "", source: namedBy ?? path, message }] };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error): ConfigIssue => {
      const pos = error.linePos?.[0];
      const what = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : "";
      return {
        key: "",
        source: pos ? `${path}:${pos.line}` : path,
        message: `YAML syntax error${where}: ${what}; fix the file`,
      };
    });
    return { ok: false, issues };
  }

  const locate = (keyPath: readonly PropertyKey[]): string => {
    let node: unknown = doc.contents;
    let offset: number | undefined;
    for (const segment of keyPath) {
      if (isSeq(node)) {
        // A list item (ai.redact.1): its own line.
        const item: unknown = node.items[Number(segment)];
        if (!isNode(item)) break;
        offset = item.range?.[0];
        node = item;
        continue;
      }
      if (!isMap(node)) break;
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    }
    return offset === undefined ? path : `${path}:${lineCounter.linePos(offset).line}`;
  };
  return { ok: true, file: { path, data: doc.toJS(), locate } };
}
