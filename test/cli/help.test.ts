// Help for every command and subcommand: description, flags and examples; the overview lists exit codes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { walkCommands } from "#cli/command-tree.ts";
import { EXIT_CODE_MEANINGS } from "#cli/errors.ts";
import { COMMANDS } from "#cli/registry.ts";
import { cli } from "./run-cli.ts";

const every = walkCommands(COMMANDS);

test("every command and subcommand has --help with a summary and examples", async () => {
  assert.ok(every.length >= 20, `expected the whole tree, got ${every.length}`);
  for (const { node, name } of every) {
    const words = name.split(" ").slice(1);
    const r = await cli([...words, "--help"]);
    assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`${name}: ${node.summary}`), `${name} --help starts with its summary`);
    assert.match(r.stdout, /\nExamples:\n {2}\S/, `${name} --help has examples`);
    if (node.kind === "command") {
      assert.match(r.stdout, /\nFlags:\n/, `${name} --help lists flags`);
      assert.match(r.stdout, /--help/);
      assert.ok(node.examples.length >= 2 || words.at(-1) === "version", `${name} has 2–3 examples`);
    }
    const viaHelp = await cli(["help", ...words]);
    assert.equal(viaHelp.stdout, r.stdout, `foghorn help ${words.join(" ")} matches --help`);
  }
});

test("-h works anywhere after the command; help --json lists the commands", async () => {
  const r = await cli(["incident", "declare", "--title", "x", "-h"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--severity SEV/);
  const json = JSON.parse((await cli(["help", "--json"])).stdout) as { commands: { name: string }[] };
  assert.ok(json.commands.some((c) => c.name === "incident"));
});

test("the overview lists the commands, the configuration order and every exit code", async () => {
  for (const argv of [[], ["help"], ["--help"]]) {
    const r = await cli(argv);
    assert.equal(r.code, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^ {2}${c.name}\\s`, "m"));
    for (const { code } of EXIT_CODE_MEANINGS) assert.match(r.stdout, new RegExp(`^ {2}${code}\\s+\\S`, "m"));
    assert.match(r.stdout, /FOGHORN_URL, FOGHORN_TOKEN/);
    assert.match(r.stdout, /Examples:/);
  }
});

test("version prints the version", async () => {
  assert.equal((await cli(["version"])).stdout, "foghorn 9.9.9-test\n");
  assert.equal((await cli(["--version"])).stdout, "foghorn 9.9.9-test\n");
  assert.deepEqual(JSON.parse((await cli(["version", "--json"])).stdout), { version: "9.9.9-test" });
});

test("colour is off when stdout is not a terminal and when NO_COLOR is set", async () => {
  const { colorEnabled } = await import("#cli/output.ts");
  assert.equal(colorEnabled({ write() {}, isTTY: false }, {}), false);
  assert.equal(colorEnabled({ write() {}, isTTY: true }, {}), true);
  assert.equal(colorEnabled({ write() {}, isTTY: true }, { NO_COLOR: "1" }), false);
  const r = await cli(["help"]);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape sequences
  assert.doesNotMatch(r.stdout, /\u001b\[/);
});

test("docs/cli.md documents every command and each of its flags", () => {
  const docs = readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");
  for (const { node, name } of every) {
    if (node.kind === "group") continue;
    assert.ok(docs.includes(`### \`${name}\``), `docs/cli.md has a section for ${name}`);
    const section = docs.slice(docs.indexOf(`### \`${name}\``)).split("\n### ")[0] ?? "";
    for (const flag of node.flags ?? [])
      assert.ok(section.includes(`--${flag.name}`), `${name} --${flag.name}`);
  }
  for (const { code } of EXIT_CODE_MEANINGS) assert.match(docs, new RegExp(`^\\| ${code}\\s+\\|`, "m"));
});
