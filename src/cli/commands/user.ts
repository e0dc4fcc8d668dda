import { checkNewPassword, PASSWORD_MIN_LENGTH, setPassword } from "#app/auth/passwords.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { localStorageExists, offlineContext, rethrowAppError, withLocalStorage } from "../offline.ts";
import { userDirectoryCommands } from "./user-directory.ts";

type PasswordSet = Awaited<ReturnType<typeof setPassword>> & { offline?: boolean };

/** Twice on a terminal (no echo), once from a pipe: the password, checked before anything is opened. */
async function readNewPassword(ctx: CommandContext, username: string): Promise<string> {
  if (ctx.stdinIsTerminal) {
    const [first = "", again] = await ctx.promptSecrets([
      `New password for ${username} (at least ${PASSWORD_MIN_LENGTH} characters): `,
      "Repeat it: ",
    ]);
    const problem = checkNewPassword(first);
    if (problem) throw new CliError(EXIT.FAILED, `the password ${problem}; nothing was changed`);
    if (again !== first) throw new CliError(EXIT.FAILED, "the two passwords differ; nothing was changed");
    return first;
  }
  const piped = await ctx.readStdin();
  // One line: the trailing newline of `echo` or a file is not part of the password.
  const password = (piped ?? "").replace(/\r?\n$/, "");
  // Two lines (a habit from the terminal's "repeat it") would set a password no sign-in form can type.
  if (/[\r\n]/.test(password))
    throw new CliError(
      EXIT.USAGE,
      "standard input holds more than one line; pipe the password alone, on one line (nothing was changed)",
    );
  if (!password)
    throw new CliError(
      EXIT.USAGE,
      "no password: type it when asked (run in a terminal), or pipe it on standard input",
    );
  const problem = checkNewPassword(password);
  if (problem) throw new CliError(EXIT.FAILED, `the password ${problem}; nothing was changed`);
  return password;
}

async function setOffline(ctx: CommandContext, username: string, password: string): Promise<PasswordSet> {
  const config = ctx.config();
  if (!localStorageExists(config)) {
    throw new CliError(
      EXIT.FAILED,
      `no Foghorn database in ${config.storage.dataDir} yet: start the server once with \`npm start\` ` +
        "(it creates the admin user)",
    );
  }
  return withLocalStorage(config, async (database) => ({
    ...(await setPassword(offlineContext(config, database, ctx.now), username, { password }).catch(
      rethrowAppError,
    )),
    offline: true,
  }));
}

const setPasswordCommand: CommandSpec = {
  kind: "command",
  name: "set-password",
  summary: "Set a user's password for the web UI",
  description:
    `Asks for the new password twice without showing it (at least ${PASSWORD_MIN_LENGTH} characters), or reads it\n` +
    "from standard input when piped (one line). Every web session of that user ends.\n" +
    "With a token configured (--token, FOGHORN_TOKEN or the saved login) this asks the server\n" +
    "(PUT /api/v1/users/USERNAME/password; admins may set anyone's password, others their own).\n" +
    "Without one it writes to the local storage from the configuration, as Foghorn itself: the way in\n" +
    "when the setup link of the first start expired. The server must be stopped for that when storage\n" +
    "is embedded PGlite.",
  args: [{ name: "USERNAME", description: "Whose password, e.g. admin" }],
  flags: [
    {
      name: "offline",
      type: "boolean",
      description: "Use local storage even when a token is configured",
    },
  ],
  connects: true,
  readsConfig: true,
  examples: [
    "foghorn user set-password admin",
    'printf "%s\\n" "$ADMIN_PASSWORD" | foghorn user set-password admin',
    "foghorn user set-password admin --offline     # server stopped, no token at hand",
  ],
  async run(ctx) {
    const username = ctx.args.arg("USERNAME");
    const offline = ctx.args.boolean("offline") || ctx.connection().token === undefined;
    const password = await readNewPassword(ctx, username);
    const result = offline
      ? await setOffline(ctx, username, password)
      : await ctx
          .api()
          .put<PasswordSet>(`/api/v1/users/${encodeURIComponent(username)}/password`, { password });
    ctx.out.result(result, (r) => {
      const where = r.offline ? " (offline, in local storage)" : "";
      ctx.out.print(`Password set for ${r.username}${where}.`);
      if (r.sessions_ended > 0)
        ctx.out.print(`Signed out ${r.sessions_ended} web session${r.sessions_ended === 1 ? "" : "s"}.`);
      ctx.out.print(
        r.offline
          ? `Next: start the server (npm start) and sign in to the web UI as ${r.username}.`
          : `Next: sign in to the web UI at ${ctx.connection().url} as ${r.username}.`,
      );
    });
    return 0;
  },
};

export const userGroup: CommandGroup = {
  kind: "group",
  name: "user",
  summary: "Manage people: who can be paged, their time zone, web passwords",
  children: [...userDirectoryCommands, setPasswordCommand],
  examples: [
    'foghorn user create alice --name "Alice Smith" --tz Europe/Berlin',
    "foghorn user show alice",
    "foghorn user set-password admin",
  ],
};
