// Golden-file comparison shared by the template and postmortem tests. UPDATE_GOLDEN=1 writes the files
// instead of comparing; review the diff before committing them.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const update = process.env.UPDATE_GOLDEN === "1";

/** A file-name slug of an incident title: "API timeout on bulk requests" → "api-timeout-on-bulk-requests". */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Compares `actual` with the golden file `file` in folder `dir` (a file: URL ending in "/"). */
export function expectGolden(dir: URL, file: string, actual: string): void {
  const url = new URL(file, dir);
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(url, actual);
    return;
  }
  assert.ok(existsSync(url), `${file} is missing: run with UPDATE_GOLDEN=1 to write it`);
  assert.equal(actual, readFileSync(url, "utf8"), `${file} differs (UPDATE_GOLDEN=1 refreshes it)`);
}
