import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { CliError, EXIT } from "./errors.ts";
import type { Writer } from "./output.ts";

/**
 * Reads one line per prompt from a terminal without echoing them (passwords), through one readline
 * interface so that nothing typed ahead is lost. Prompts go to `prompts` (stderr), so stdout stays clean
 * for --json. Ctrl-C or end of input cancels.
 */
export function promptHidden(
  input: NodeJS.ReadableStream,
  prompts: Writer,
  questions: readonly string[],
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // readline in terminal mode reads keys raw (line editing works) and echoes into this sink: nothing shows.
    const silent = new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });
    const rl = createInterface({ input, output: silent, terminal: true });
    const answers: string[] = [];
    prompts.write(questions[0] ?? "");
    rl.on("line", (line) => {
      answers.push(line);
      prompts.write("\n");
      if (answers.length < questions.length) prompts.write(questions[answers.length] ?? "");
      else rl.close();
    });
    rl.on("SIGINT", () => rl.close());
    rl.on("close", () => {
      if (answers.length === questions.length) return resolve(answers);
      prompts.write("\n");
      reject(new CliError(EXIT.FAILED, "cancelled; nothing was changed"));
    });
  });
}
