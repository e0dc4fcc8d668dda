#!/usr/bin/env node
// Runs Foghorn's TypeScript sources directly through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { run } = await import("../src/main.ts");
process.exitCode = await run(process.argv.slice(2));
