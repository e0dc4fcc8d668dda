/** Writes docs/configuration.md from src/config/schema.ts. Run: node --import tsx scripts/gen-config-docs.ts */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderConfigDocs } from "#config/docs.ts";

const target = fileURLToPath(new URL("../docs/configuration.md", import.meta.url));
writeFileSync(target, renderConfigDocs());
console.log(`wrote ${target}`);
