import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { readStatusData } from "#app/status-page/snapshot.ts";
import { renderSite } from "#domain/status-page/render-site.ts";
import { ServerUnreachableError } from "../client.ts";
import type { CommandContext, CommandNode, CommandSpec } from "../command.ts";
import { CliError, EXIT, messageOf } from "../errors.ts";
import { withLocalStorage } from "../offline.ts";

// `foghorn status export DIR`: the whole public status page as static files (HTML pages, the Statuspage
// JSON, the feeds) for any web server or object store, from the running server's snapshot or, when no
// server answers on this machine, straight from the local storage.

interface ExportedFile {
  content_type: string;
  body: string;
}

interface ExportAnswer {
  generated_at: string;
  files: Record<string, ExportedFile>;
}

export interface ExportResult {
  dir: string;
  files: number;
  bytes: number;
  generated_at: string;
  /** "server" (GET /api/v1/status-page/export) or "local storage". */
  source: string;
  paths: string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Where a URL path goes in the export: "/" → index.html, "/incidents/ab12…" → incidents/ab12…/index.html
 * (so any server's index handling or `try_files $uri/index.html` serves it), files with an extension
 * (.json, .rss, .atom) as they are.
 */
export function exportFilePath(urlPath: string): string {
  const segments = urlPath.split("/").filter(Boolean);
  if (segments.some((s) => s === "." || s === ".." || s.includes("\\") || s.includes("\0")))
    throw new CliError(EXIT.FAILED, `refusing to write the unsafe path ${JSON.stringify(urlPath)}`);
  const last = segments.at(-1) ?? "";
  if (/\.(?:json|rss|atom|xml|txt)$/.test(last)) return segments.join("/");
  return [...segments, "index.html"].join("/");
}

/** Only a server on this machine may be replaced by its storage: a remote one that is down must not be. */
function mayReadLocally(ctx: CommandContext): boolean {
  const { url, urlSource } = ctx.connection();
  return urlSource === "default" || LOOPBACK.has(new URL(url).hostname);
}

async function readOffline(ctx: CommandContext): Promise<ExportAnswer> {
  const config = ctx.config();
  return withLocalStorage(config, async (database) => {
    const data = await readStatusData({
      db: database.db,
      clock: { now: ctx.now },
      publicUrl: config.server.publicUrl,
    });
    const files: Record<string, ExportedFile> = {};
    for (const [path, file] of renderSite(data, { base: "" }))
      files[path] = { content_type: file.contentType, body: file.body };
    return { generated_at: data.generatedAt.toISOString(), files };
  });
}

/** Writes every file under `dir` (each through a temporary file and a rename, so a reader never sees half). */
async function writeExport(dir: string, answer: ExportAnswer): Promise<{ bytes: number; paths: string[] }> {
  const root = resolve(dir);
  let bytes = 0;
  const paths: string[] = [];
  for (const [urlPath, file] of Object.entries(answer.files).sort(([a], [b]) => a.localeCompare(b))) {
    const rel = exportFilePath(urlPath);
    const target = join(root, rel);
    const inside = relative(root, target);
    if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside))
      throw new CliError(EXIT.FAILED, `refusing to write outside ${root}: ${urlPath}`);
    const body = Buffer.from(file.body, "utf8");
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}`;
    await writeFile(temp, body);
    await rename(temp, target);
    bytes += body.length;
    paths.push(rel);
  }
  return { bytes, paths };
}

const kb = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;

export const statusExportCommand: CommandSpec = {
  kind: "command",
  name: "export",
  summary: "Write the whole public status page as static files (HTML, JSON, feeds) to a folder",
  description:
    "Writes what the status page serves, for the root of any web server or object store: index.html,\n" +
    "incidents/<id>/index.html, maintenances/<id>/index.html, api/v2/*.json (Statuspage-compatible),\n" +
    "history.rss and history.atom. Files in the folder that the page no longer has are left alone.\n" +
    "Asks the running server (GET /api/v1/status-page/export); when no server answers on this machine,\n" +
    "reads the local storage from the configuration instead. See docs/status-page.md for an nginx setup.",
  args: [{ name: "DIR", description: "The folder to write to (created when missing)" }],
  connects: true,
  readsConfig: true,
  examples: [
    "foghorn status export ./public-status",
    "foghorn status export /var/www/status && aws s3 sync /var/www/status s3://status-example-com",
    "foghorn status export ./out --json | jq .files",
  ],
  async run(ctx) {
    const dir = ctx.args.arg("DIR");
    const target = resolve(ctx.cwd, dir);
    let answer: ExportAnswer;
    let source = "server";
    try {
      answer = await ctx.api().get<ExportAnswer>("/api/v1/status-page/export");
    } catch (error) {
      if (!(error instanceof ServerUnreachableError) || !mayReadLocally(ctx)) throw error;
      ctx.out.progress(`No server at ${ctx.connection().url}; reading the local storage.`);
      answer = await readOffline(ctx);
      source = "local storage";
    }
    let written: { bytes: number; paths: string[] };
    try {
      written = await writeExport(target, answer);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(EXIT.FAILED, `cannot write to ${target}: ${messageOf(error)}`);
    }
    const result: ExportResult = {
      dir: target,
      files: written.paths.length,
      bytes: written.bytes,
      generated_at: answer.generated_at,
      source,
      paths: written.paths,
    };
    ctx.out.result(result, (r) => {
      ctx.out.print(
        `Exported ${r.files} files (${kb(r.bytes)}) to ${relative(ctx.cwd, r.dir) || "."}: the page as of ${r.generated_at}, from the ${r.source}.`,
      );
      ctx.out.print(`Serve the folder as the root of the status domain; see docs/status-page.md for nginx.`);
    });
    return 0;
  },
};

/** Added to `foghorn status` in status.ts. */
export const STATUS_EXPORT_COMMANDS: readonly CommandNode[] = [statusExportCommand];
