import { ApiClient } from "../client.ts";
import type { CommandSpec } from "../command.ts";
import { saveLogin } from "../connection.ts";
import { usageError } from "../errors.ts";

interface Me {
  username: string;
  role: string | null;
}

export const loginCommand: CommandSpec = {
  kind: "command",
  name: "login",
  summary: "Check a server URL and token, then save them for later commands",
  description:
    "Verifies the token with the server (GET /api/v1/me), then writes the URL and token to\n" +
    "$XDG_CONFIG_HOME/foghorn/cli.json (default ~/.config/foghorn/cli.json), readable only by you (0600).\n" +
    "The token comes from --token, else from standard input when it is piped, else from FOGHORN_TOKEN.\n" +
    "Flags and FOGHORN_URL / FOGHORN_TOKEN still override the saved values.",
  connects: true,
  examples: [
    "foghorn login --token fh_Xg...",
    "foghorn login --url https://foghorn.example.com --token fh_Xg...",
    "pass show foghorn | foghorn login --url https://foghorn.example.com",
  ],
  async run(ctx) {
    const connection = ctx.connection();
    const flagToken = ctx.args.string("token");
    const piped = flagToken ? undefined : (await ctx.readStdin())?.trim() || undefined;
    const token = flagToken ?? piped ?? connection.token;
    const tokenSource = flagToken ? "--token" : piped ? "standard input" : connection.tokenSource;
    if (!token) {
      throw usageError(
        "login needs a token: foghorn login --token fh_... (or pipe it on standard input); " +
          "create one with: foghorn token create --name cli",
      );
    }
    const me = await new ApiClient({ ...connection, token, tokenSource }).get<Me>("/api/v1/me");
    saveLogin(ctx.loginFile, { url: connection.url, token });
    const result = { url: connection.url, username: me.username, role: me.role, file: ctx.loginFile };
    ctx.out.result(result, (r) => {
      ctx.out.print(`Logged in to ${r.url} as ${r.username}${r.role ? ` (${r.role})` : ""}.`);
      ctx.out.print(`Saved the URL and token to ${r.file} (readable only by you).`);
      ctx.out.print("Next: foghorn incident list");
    });
    return 0;
  },
};
