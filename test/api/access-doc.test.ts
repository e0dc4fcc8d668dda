// docs/access.md lists every API operation with the access level the OpenAPI document publishes
// (x-foghorn-access), so the doc cannot drift from the code. After adding or changing an operation, run
//   FOGHORN_WRITE_ACCESS_DOC=1 node --import tsx --test test/api/access-doc.test.ts
// to rewrite the table between the markers, and review the diff.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

const DOC = new URL("../../docs/access.md", import.meta.url);
const START =
  "<!-- operations:start (generated from the OpenAPI document; see test/api/access-doc.test.ts) -->";
const END = "<!-- operations:end -->";

describe("docs/access.md", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite");
  });
  after(async () => {
    await foghorn?.close();
  });

  test("lists every API operation's access level exactly as the OpenAPI document says", async () => {
    const doc = (await (await foghorn.api("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const rows: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const access = (op["x-foghorn-access"] as string | undefined) ?? "open";
        rows.push(
          `| \`${method.toUpperCase()} ${path}\` | ${access} | ${String(op.summary ?? "").replace(/\|/g, "\\|")} |`,
        );
      }
    rows.sort();
    const table = ["| Operation | Access | What it does |", "|---|---|---|", ...rows].join("\n");
    const text = readFileSync(DOC, "utf8");
    const from = text.indexOf(START);
    const to = text.indexOf(END);
    assert.ok(from >= 0 && to > from, `docs/access.md must hold the markers ${START} … ${END}`);
    const current = text.slice(from + START.length, to).trim();
    // Biome formats markdown tables (padding, dash runs): compare the cells, not the spacing.
    const cells = (t: string) =>
      t
        .split("\n")
        .map((line) => line.replace(/ *\| */g, "|").replace(/\|-+(?=\|)/g, "|-"))
        .join("\n");
    if (process.env.FOGHORN_WRITE_ACCESS_DOC === "1" && cells(current) !== cells(table))
      writeFileSync(DOC, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
    else
      assert.equal(
        cells(current),
        cells(table),
        "docs/access.md's operation table is out of date: run FOGHORN_WRITE_ACCESS_DOC=1 node --import tsx --test test/api/access-doc.test.ts",
      );
  });
});
