/**
 * Drives the CLI in-process: runCli with captured stdout/stderr, a given environment and standard input,
 * and a config folder of its own (XDG_CONFIG_HOME) so a developer's saved login never leaks in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ConnectBacklog } from "#cli/commands/backlog.ts";
import { runCli } from "#cli/main.ts";
import type { Config } from "#config/load.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Piped standard input; by default an empty pipe. */
  stdin?: string;
  cwd?: string;
  serve?: (config: Config) => Promise<void>;
  /** The clients of `backlog sync` (main.ts's backlogConnector, tuned for a local GitHub). */
  connectBacklog?: ConnectBacklog;
}

function buffer() {
  const chunks: string[] = [];
  return { chunks, writer: { write: (s: string) => chunks.push(s), isTTY: false } };
}

const created: string[] = [];
process.once("exit", () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty folder for XDG_CONFIG_HOME, data directories and the like; removed when the tests end. */
export function tempDir(prefix = "foghorn-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function cli(argv: string[], options: CliOptions = {}): Promise<CliResult> {
  const out = buffer();
  const err = buffer();
  const code = await runCli(argv, {
    env: { XDG_CONFIG_HOME: tempDir(), ...options.env },
    cwd: options.cwd ?? tempDir(),
    version: "9.9.9-test",
    serve: options.serve ?? (async () => {}),
    stdout: out.writer,
    stderr: err.writer,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    ...(options.connectBacklog ? { connectBacklog: options.connectBacklog } : {}),
  });
  return { code, stdout: out.chunks.join(""), stderr: err.chunks.join("") };
}

/** The environment that points the CLI at a test server. */
export function serverEnv(server: { url: string; token: string }): Record<string, string> {
  return { FOGHORN_URL: server.url, FOGHORN_TOKEN: server.token };
}
