// Rule 1 of ARCHITECTURE.md ("Who may import whom"), checked over every src/**/*.ts file, tests included.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkLayers, type SourceText } from "./helpers/architecture.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function readSources(dir: string): SourceText[] {
  const files: SourceText[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...readSources(path));
    else if (entry.isFile() && /\.[cm]?tsx?$/.test(entry.name)) {
      files.push({ path: relative(root, path).split(sep).join("/"), text: readFileSync(path, "utf8") });
    }
  }
  return files;
}

test("src/ follows the import table of ARCHITECTURE.md", () => {
  const files = readSources(join(root, "src"));
  assert.ok(files.length > 0, "no src/**/*.ts files were found: the check would pass vacuously");
  const violations = checkLayers(files);
  assert.equal(
    violations.length,
    0,
    `${violations.length} import(s) break ARCHITECTURE.md "Who may import whom":\n${violations.join("\n")}`,
  );
});

test("the checker catches violations and allows what the table allows", () => {
  const files: SourceText[] = [
    { path: "src/app/x.ts", text: 'import { y } from "#http/y.ts";\nimport { a } from "#app/a.ts";' },
    {
      path: "src/domain/a.ts",
      text: [
        'import { z } from "zod";',
        'import pg from "pg";',
        'import { b } from "./b.ts";',
        'import { readFileSync } from "node:fs";',
        'import { s } from "../store/s.ts";',
      ].join("\n"),
    },
    {
      path: "src/engine/jobs/deliver.ts",
      text: 'export { send } from "../../integrations/slack/channel.ts";\nconst j = await import("#store/jobs.ts");',
    },
    { path: "src/store/q.ts", text: 'const server = await import("../http/server.ts");' },
    {
      path: "src/http/routes/r.test.ts",
      text: 'import type { T } from "#app/t.ts";\ntype C = import("#cli/main.ts").Command;',
    },
    {
      path: "src/integrations/s.ts",
      text: '// import "#store/x.ts"\nconst doc = "import x from \'#store/x.ts\'";',
    },
    {
      path: "src/config/c.ts",
      text: 'import { DEFAULT_SEVERITY_POLICY } from "#domain/incident/severity.ts";',
    },
    {
      path: "src/main.ts",
      text: 'import "#http/server.ts";\nimport "#engine/runner.ts";\nimport "#cli/main.ts";',
    },
    { path: "src/utils/misc.ts", text: "export const x = 1;" },
  ];
  assert.deepEqual(checkLayers(files), [
    "src/app/x.ts imports #http/y.ts: app may import only domain, store, app",
    "src/domain/a.ts imports pg: domain must stay pure: of npm packages it may import only zod",
    "src/domain/a.ts imports ../store/s.ts: domain may import only domain",
    "src/engine/jobs/deliver.ts imports ../../integrations/slack/channel.ts: " +
      "engine may import only domain, store, app, engine",
    "src/store/q.ts imports ../http/server.ts: store may import only domain, store",
    "src/http/routes/r.test.ts imports #cli/main.ts: http may import only domain, app, integrations, http",
    "src/utils/misc.ts is in no layer: move it under src/<domain|store|app|engine|integrations|http|cli|config>/ " +
      "(ARCHITECTURE.md)",
  ]);
});
