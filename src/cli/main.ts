import { type Config, ConfigError, loadConfig } from "#config/load.ts";

export interface CliDeps {
  env: Record<string, string | undefined>;
  cwd: string;
  version: string;
  /** Starts the server (wired by main.ts, the composition root); resolves once listening. */
  serve(config: Config): Promise<void>;
}

/** argv → command. Returns the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const [command = "help"] = argv;
  try {
    if (command === "serve") {
      await deps.serve(loadConfig({ env: deps.env, cwd: deps.cwd }));
      return 0;
    }
    process.stderr.write(`foghorn: unknown command "${command}"\n`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`foghorn: ${error.message}\n`);
      return 78;
    }
    process.stderr.write(`foghorn: ${(error as Error).message}\n`);
    return 1;
  }
}
