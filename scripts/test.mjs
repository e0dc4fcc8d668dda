#!/usr/bin/env node
// The single gate behind `npm test`: typecheck, lint, then every *.test.ts under src/ and test/.
//
//   npm test                      tsc --noEmit, biome ci ., all tests
//   npm test -- --only-tests      tests only
//   npm test -- incidents store   only test files whose path contains "incidents" or "store"
//
// The last line printed is always `N passed, N failed, N skipped` (CI reads it); the exit code is
// non-zero when any step fails. The environment (TEST_DATABASE_URL, CI, …) is passed through.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const USAGE = "usage: node scripts/test.mjs [--only-tests] [file-filter ...]";

function parseArgs(argv) {
  const options = { onlyTests: false, filters: [] };
  for (const arg of argv) {
    if (arg === "--only-tests") options.onlyTests = true;
    else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith("-")) {
      console.error(`unknown option ${arg}\n${USAGE}`);
      process.exit(2);
    } else options.filters.push(arg);
  }
  return options;
}

function seconds(startedAt) {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)}s`;
}

function stripAnsi(text) {
  // CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "");
}

/** Runs a command with inherited stdio (or piped stdout when `onStdout` is given); resolves its exit code. */
function run(command, args, onStdout) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ["inherit", onStdout ? "pipe" : "inherit", "inherit"],
      env: process.env,
    });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    if (onStdout) {
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", onStdout);
    }
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Every *.test.ts under the given folders, as sorted POSIX paths relative to the project root. */
function findTestFiles(folders) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".test.ts"))
        found.push(relative(root, path).split(sep).join("/"));
    }
  };
  for (const folder of folders) if (existsSync(folder)) walk(folder);
  return found.sort();
}

/** Reads node's closing summary (`ℹ pass 3`, …); the last occurrence of each counter wins. */
function parseSummary(output) {
  const counts = {};
  for (const line of stripAnsi(output).split(/\r?\n/)) {
    const match = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/.exec(line);
    if (match) counts[match[1]] = Number(match[2]);
  }
  if (counts.pass === undefined || counts.fail === undefined) return undefined;
  return {
    passed: counts.pass,
    failed: counts.fail + (counts.cancelled ?? 0),
    skipped: (counts.skipped ?? 0) + (counts.todo ?? 0),
  };
}

function finish(passed, failed, skipped, exitCode) {
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(exitCode);
}

async function gateStep(name, command, args) {
  console.log(`▶ ${name}: ${[command, ...args].join(" ")}`);
  const startedAt = performance.now();
  const code = await run(command, args);
  if (code !== 0) {
    console.log(`✖ ${name} failed (exit ${code}, ${seconds(startedAt)}); tests were not run`);
    finish(0, 1, 0, 1);
  }
  console.log(`✔ ${name} ok (${seconds(startedAt)})`);
}

const options = parseArgs(process.argv.slice(2));
const bin = (name) => join("node_modules", ".bin", name);

if (!options.onlyTests) {
  await gateStep("typecheck", bin("tsc"), ["--noEmit"]);
  await gateStep("typecheck web", bin("tsc"), ["--noEmit", "-p", "web/tsconfig.json"]);
  // Biome colours its output even into a pipe; keep CI logs plain.
  await gateStep("lint", bin("biome"), ["ci", ...(process.stdout.isTTY ? [] : ["--colors=off"]), "."]);
}

/**
 * Files that run for tens of seconds (several server processes, Chromium, 10,000 events through a
 * SIGKILL) start first: started last, one of them runs alone on one core at the end (alphabetical order
 * put test/process/ there). Measured per file in the TAP output (duration_ms of each top-level test).
 */
const LONG_FIRST = ["test/process/", "test/alerts/crash", "test/browser/", "test/security/csp-browser"];
const startsEarly = (file) => LONG_FIRST.some((prefix) => file.startsWith(prefix));
const sorted = findTestFiles(["src", "test"]);
const allFiles = [...sorted.filter(startsEarly), ...sorted.filter((file) => !startsEarly(file))];
const files =
  options.filters.length === 0
    ? allFiles
    : allFiles.filter((file) => options.filters.some((filter) => file.includes(filter)));
if (files.length === 0) {
  const why = options.filters.length ? ` matching ${options.filters.map((f) => `"${f}"`).join(", ")}` : "";
  console.log(`✖ tests: no *.test.ts files under src/ or test/${why}`);
  finish(0, 1, 0, 1);
}

const concurrency = Math.max(2, availableParallelism());
const testArgs = [
  "--import",
  "tsx",
  "--test",
  `--test-concurrency=${concurrency}`,
  "--test-timeout=300000",
  "--test-reporter=spec",
  ...files,
];
console.log(`▶ tests: ${files.length} file(s), concurrency ${concurrency}`);
const startedAt = performance.now();
let output = "";
const code = await run(process.execPath, testArgs, (chunk) => {
  process.stdout.write(chunk);
  output += chunk;
});
const summary = parseSummary(output);
if (!summary) {
  console.log(`✖ tests: node's test runner ended (exit ${code}, ${seconds(startedAt)}) without a summary`);
  finish(0, 1, 0, 1);
}
const ok = code === 0 && summary.failed === 0;
console.log(`${ok ? "✔" : "✖"} tests ${ok ? "ok" : `failed (exit ${code})`} (${seconds(startedAt)})`);
finish(summary.passed, ok ? summary.failed : Math.max(1, summary.failed), summary.skipped, ok ? 0 : 1);
