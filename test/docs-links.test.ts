// Docs are a map: a path they cite must exist (STYLE rule 14). Checks relative markdown links and
// backticked repository paths in README, ARCHITECTURE, CONTRIBUTING and docs/.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "..");
const docs = [
  "README.md",
  "ARCHITECTURE.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(root, "docs"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".md"))
    .map((f) => join("docs", f)),
].filter((f) => existsSync(join(root, f)));

/** Cited paths in one markdown text: [x](relative) links and `src/…`-style code spans. */
export function citedPaths(markdown: string): { path: string; relativeToFile: boolean }[] {
  const out: { path: string; relativeToFile: boolean }[] = [];
  for (const m of markdown.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    const target = m[1] ?? "";
    if (!/^[a-z]+:/i.test(target)) out.push({ path: target, relativeToFile: true });
  }
  for (const m of markdown.matchAll(/`((?:src|test|docs|bench|scripts|bin)\/[\w./-]+)`/g)) {
    const target = m[1] ?? "";
    if (!/[*<>…]|NNNN/.test(target)) out.push({ path: target.replace(/\/$/, ""), relativeToFile: false });
  }
  return out;
}

test("the link checker finds links and code paths", () => {
  const found = citedPaths("see [a](docs/x.md) and `src/main.ts`, not [b](https://e.com) or `src/<area>/`");
  assert.deepEqual(
    found.map((f) => f.path),
    ["docs/x.md", "src/main.ts"],
  );
});

test("every path cited in the docs exists", () => {
  assert.ok(docs.length >= 3, "expected README, ARCHITECTURE and docs/ to be scanned");
  const missing: string[] = [];
  for (const doc of docs) {
    for (const cited of citedPaths(readFileSync(join(root, doc), "utf8"))) {
      const base = cited.relativeToFile ? dirname(join(root, doc)) : root;
      if (!existsSync(resolve(base, cited.path))) missing.push(`${doc} cites ${cited.path}`);
    }
  }
  assert.deepEqual(missing, [], `docs cite paths that do not exist:\n${missing.join("\n")}`);
});
