import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, EXIT, messageOf } from "./errors.ts";
import { isRecord } from "./json.ts";

// Which server the CLI talks to and with which token. Resolution order, first found wins:
// flags --url/--token > env FOGHORN_URL/FOGHORN_TOKEN > the saved login (`foghorn login`) > default URL.

export const DEFAULT_URL = "http://127.0.0.1:8080";

export interface Connection {
  url: string;
  /** Where the URL came from, for messages: "--url", "env FOGHORN_URL", the login file, "default". */
  urlSource: string;
  token: string | undefined;
  tokenSource: string | undefined;
}

/** What `foghorn login` saves. */
export interface SavedLogin {
  url?: string;
  token?: string;
}

/** `$XDG_CONFIG_HOME/foghorn/cli.json`, else `~/.config/foghorn/cli.json`. */
export function loginFilePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".config");
  return join(base, "foghorn", "cli.json");
}

/** The saved login, or undefined when there is none; a damaged file is a configuration error. */
export function readSavedLogin(path: string): SavedLogin | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(
      EXIT.CONFIG,
      `${path} is not valid JSON (${messageOf(error)}); fix it, or delete it and run "foghorn login"`,
    );
  }
  if (!isRecord(parsed))
    throw new CliError(EXIT.CONFIG, `${path} must hold an object like {"url": "...", "token": "..."}`);
  const { url, token } = parsed;
  return {
    ...(typeof url === "string" && url ? { url } : {}),
    ...(typeof token === "string" && token ? { token } : {}),
  };
}

/** Writes the login readable by the owner only (0600), in a folder only the owner can enter. */
export function saveLogin(path: string, login: SavedLogin): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an existing file keeps its old mode without this.
  chmodSync(path, 0o600);
}

/** An http(s) base URL without a trailing slash; anything else is an error naming where it came from. */
export function checkServerUrl(text: string, source: string): string {
  const url = URL.canParse(text.trim()) ? new URL(text.trim()) : undefined;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    const message = `${source} must be an http(s) URL such as ${DEFAULT_URL}, got "${text}"`;
    throw new CliError(source.startsWith("--") ? EXIT.USAGE : EXIT.CONFIG, message);
  }
  return url.toString().replace(/\/+$/, "");
}

export interface ConnectionInputs {
  flagUrl: string | undefined;
  flagToken: string | undefined;
  env: Record<string, string | undefined>;
  loginFile: string;
  /** The flag flagUrl came from, for messages (default --url; `check add` uses --server). */
  flagName?: string;
}

/** Picks the URL and token by the documented order (see the top of this file). */
export function resolveConnection(inputs: ConnectionInputs): Connection {
  const { flagUrl, flagToken, env, loginFile } = inputs;
  const envUrl = env.FOGHORN_URL?.trim();
  const envToken = env.FOGHORN_TOKEN?.trim();
  const needSaved = !(flagUrl || envUrl) || !(flagToken || envToken);
  const saved = needSaved ? readSavedLogin(loginFile) : undefined;
  const [rawUrl, urlSource] = flagUrl
    ? [flagUrl, inputs.flagName ?? "--url"]
    : envUrl
      ? [envUrl, "env FOGHORN_URL"]
      : saved?.url
        ? [saved.url, loginFile]
        : [DEFAULT_URL, "default"];
  const [token, tokenSource] = flagToken
    ? [flagToken, "--token"]
    : envToken
      ? [envToken, "env FOGHORN_TOKEN"]
      : saved?.token
        ? [saved.token, loginFile]
        : [undefined, undefined];
  return { url: checkServerUrl(rawUrl, urlSource), urlSource, token, tokenSource };
}
