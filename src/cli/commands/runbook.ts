import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { getRunbookVersion, listRunbooks, listRunbookVersions } from "#app/runbooks/get.ts";
import type { ImportedFile, importRunbooks } from "#app/runbooks/import.ts";
import type { RunbookView } from "#app/runbooks/internal.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT, usageError } from "../errors.ts";
import { relative, timestamp } from "../format.ts";

type ImportReport = Awaited<ReturnType<typeof importRunbooks>>;
type Saved = RunbookView & { outcome: "created" | "updated" | "unchanged" };

const SERVICE_ARG = { name: "SERVICE", description: "The service, e.g. checkout" };
const runbookPath = (service: string, sub = "") =>
  `/api/v1/services/${encodeURIComponent(service.trim())}/runbook${sub}`;

function printWarnings(ctx: CommandContext, warnings: readonly string[], indent = "  "): void {
  for (const w of warnings) ctx.out.print(ctx.out.color.yellow(`${indent}warning: ${w}`));
}

/** The *.md files of a folder (not its subfolders); other files are reported as skipped. */
async function readFolder(folder: string) {
  let names: string[];
  try {
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error(), { code: "ENOTDIR" });
    names = (await readdir(folder)).sort();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such folder" : code === "ENOTDIR" ? "not a folder" : code;
    throw new CliError(EXIT.USAGE, `runbook import: cannot read ${folder}: ${why ?? "unreadable"}`);
  }
  const files: { name: string; text: string }[] = [];
  const local: ImportedFile[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (!name.toLowerCase().endsWith(".md")) {
      const reason = "not a markdown file: runbooks are <service>-runbook.md";
      local.push({
        file: name,
        service: null,
        result: "skipped",
        version: null,
        reason,
        service_created: false,
        warnings: [],
      });
      continue;
    }
    files.push({ name, text: await readFile(path, "utf8") });
  }
  return { files, local };
}

function importLine(ctx: CommandContext, f: ImportedFile, dryRun: boolean): void {
  const c = ctx.out.color;
  const word =
    dryRun && f.result !== "skipped" && f.result !== "unchanged" ? `would be ${f.result}` : f.result;
  const paint = f.result === "skipped" ? c.yellow : f.result === "unchanged" ? c.dim : c.green;
  const what =
    f.result === "skipped"
      ? `${f.file}: ${f.reason ?? ""}`
      : `${f.file} → ${f.service}${f.version ? ` v${f.version}` : ""}${f.service_created ? " (new service)" : ""}`;
  ctx.out.print(`${paint(word.padEnd(dryRun ? 16 : 9))} ${what}`);
  printWarnings(ctx, f.warnings, "            ");
}

const importCommand: CommandSpec = {
  kind: "command",
  name: "import",
  summary: "Import a folder of runbooks named <service>-runbook.md (seed 001's docs/runbooks/)",
  description:
    "Each file creates its service on first use and saves a new version of its runbook when the text\n" +
    "changed; unchanged files are left alone and other files are skipped with the reason. The import is\n" +
    "one transaction. Missing sections (Service Overview, Common Issues, Escalation) are warnings.",
  args: [{ name: "FOLDER", description: "The folder, e.g. docs/runbooks/" }],
  flags: [
    { name: "dry-run", type: "boolean", description: "Show what would happen without saving anything" },
  ],
  connects: true,
  examples: [
    "foghorn runbook import docs/runbooks/",
    "foghorn runbook import docs/runbooks/ --dry-run",
    "foghorn runbook import ./runbooks --json | jq '.files[] | select(.result == \"skipped\")'",
  ],
  async run(ctx) {
    const folder = ctx.args.arg("FOLDER");
    const dryRun = ctx.args.boolean("dry-run");
    const { files, local } = await readFolder(folder);
    if (files.length === 0)
      throw new CliError(
        EXIT.FAILED,
        `runbook import: ${folder} has no .md files; runbooks are named <service>-runbook.md`,
      );
    const report = await ctx
      .api()
      .post<ImportReport>(
        "/api/v1/runbooks/import",
        { files, dry_run: dryRun },
        { fieldNames: { files: "FOLDER" } },
      );
    const all = [...report.files, ...local].sort((a, b) => a.file.localeCompare(b.file));
    const skipped = report.summary.skipped + local.length;
    ctx.out.result({ ...report, files: all, summary: { ...report.summary, skipped } }, (r) => {
      for (const f of r.files) importLine(ctx, f, dryRun);
      const s = r.summary;
      ctx.out.print(
        `${dryRun ? "Dry run, nothing saved: " : ""}${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ` +
          `${s.skipped} skipped${s.warnings ? `, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}` : ""} (${folder}).`,
      );
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List the runbooks: service, title, version, last saved",
  connects: true,
  examples: ["foghorn runbook list", "foghorn runbook list --json | jq -r '.items[].service'"],
  async run(ctx) {
    const page = await ctx.api().get<Awaited<ReturnType<typeof listRunbooks>>>("/api/v1/runbooks");
    ctx.out.result(page, (p) => {
      if (p.items.length === 0) {
        ctx.out.print("No runbooks yet. Import a folder: foghorn runbook import docs/runbooks/");
        return;
      }
      ctx.out.table(
        ["SERVICE", "TITLE", "VERSION", "UPDATED", "BY"],
        p.items.map((r) => [
          r.service,
          r.title,
          `v${r.version}`,
          relative(r.updated_at, ctx.now()),
          r.updated_by,
        ]),
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Print a service's runbook (markdown), or an older version of it",
  args: [SERVICE_ARG],
  flags: [
    { name: "version", type: "string", value: "N", description: "An older version (see runbook history)" },
  ],
  connects: true,
  examples: ["foghorn runbook show checkout", "foghorn runbook show checkout --version 2 > old.md"],
  async run(ctx) {
    const service = ctx.args.arg("SERVICE");
    const version = ctx.args.string("version");
    if (version !== undefined) {
      const v = await ctx
        .api()
        .get<Awaited<ReturnType<typeof getRunbookVersion>>>(
          runbookPath(service, `/versions/${encodeURIComponent(version)}`),
        );
      ctx.out.result(v, (x) => ctx.out.print(x.body.replace(/\n$/, "")));
      return 0;
    }
    const rb = await ctx.api().get<RunbookView>(runbookPath(service));
    ctx.out.result(rb, (r) => ctx.out.print(r.body.replace(/\n$/, "")));
    return 0;
  },
};

const set: CommandSpec = {
  kind: "command",
  name: "set",
  summary: "Save a service's runbook from a markdown file (a new version; the old text is kept)",
  args: [SERVICE_ARG],
  flags: [
    {
      name: "file",
      type: "string",
      value: "FILE",
      description: "The markdown file, or - for standard input (required)",
    },
    { name: "title", type: "string", value: "TEXT", description: "The title (default: from '# Runbook: X')" },
    {
      name: "expected-version",
      type: "string",
      value: "N",
      description: "Refuse the save if the runbook is no longer at version N (0: it has none)",
    },
  ],
  connects: true,
  examples: [
    "foghorn runbook set checkout --file docs/runbooks/checkout-runbook.md",
    "foghorn runbook show checkout > rb.md && $EDITOR rb.md && foghorn runbook set checkout --file rb.md --expected-version 3",
  ],
  async run(ctx) {
    const service = ctx.args.arg("SERVICE");
    const file = ctx.args.requiredString("file");
    let body: string | undefined;
    try {
      body = file === "-" ? await ctx.readStdin() : await readFile(file, "utf8");
    } catch (error) {
      throw usageError(
        `--file ${file}: cannot read the file (${(error as { code?: string }).code ?? String(error)})`,
      );
    }
    const title = ctx.args.string("title");
    const expected = ctx.args.integer("expected-version");
    const saved = await ctx.api().put<Saved>(
      runbookPath(service),
      {
        body: body ?? "",
        ...(title ? { title } : {}),
        ...(expected !== undefined ? { expected_version: expected } : {}),
      },
      { fieldNames: { body: "--file", title: "--title", expected_version: "--expected-version" } },
    );
    ctx.out.result(saved, (r) => {
      ctx.out.print(
        r.outcome === "unchanged"
          ? `The runbook of ${r.service} already has this text (version ${r.version}); nothing saved.`
          : `Saved the runbook of ${r.service}: version ${r.version}.`,
      );
      printWarnings(ctx, r.warnings);
    });
    return 0;
  },
};

const history: CommandSpec = {
  kind: "command",
  name: "history",
  summary: "List every saved version of a service's runbook, newest first",
  args: [SERVICE_ARG],
  connects: true,
  examples: ["foghorn runbook history checkout", "foghorn runbook show checkout --version 1"],
  async run(ctx) {
    const service = ctx.args.arg("SERVICE");
    const h = await ctx
      .api()
      .get<Awaited<ReturnType<typeof listRunbookVersions>>>(runbookPath(service, "/versions"));
    ctx.out.result(h, (x) =>
      ctx.out.table(
        ["VERSION", "SAVED", "BY", "TITLE", "CHARS"],
        x.items.map((v) => [
          v.version === x.current_version ? `v${v.version} (current)` : `v${v.version}`,
          timestamp(v.saved_at),
          v.saved_by,
          v.title,
          String(v.length),
        ]),
      ),
    );
    return 0;
  },
};

const restore: CommandSpec = {
  kind: "command",
  name: "restore",
  summary: "Make an old version of a runbook current again (saved as a new version)",
  args: [SERVICE_ARG],
  flags: [{ name: "version", type: "string", value: "N", description: "The version to restore (required)" }],
  connects: true,
  examples: ["foghorn runbook restore checkout --version 2", "foghorn runbook history checkout"],
  async run(ctx) {
    const service = ctx.args.arg("SERVICE");
    const version = ctx.args.integer("version");
    if (version === undefined)
      throw usageError("runbook restore needs --version N; see foghorn runbook history");
    const saved = await ctx
      .api()
      .post<Saved>(runbookPath(service, "/restore"), { version }, { fieldNames: { version: "--version" } });
    ctx.out.result(saved, (r) =>
      ctx.out.print(
        r.outcome === "unchanged"
          ? `Version ${version} is already the current text of ${r.service}'s runbook.`
          : `Restored version ${version} of ${r.service}'s runbook as version ${r.version}.`,
      ),
    );
    return 0;
  },
};

const template: CommandSpec = {
  kind: "command",
  name: "template",
  summary: "Print a starter runbook in seed 001's format for a service",
  args: [SERVICE_ARG],
  connects: true,
  examples: [
    "foghorn runbook template billing > docs/runbooks/billing-runbook.md",
    "foghorn runbook template billing --json",
  ],
  async run(ctx) {
    const service = ctx.args.arg("SERVICE");
    const t = await ctx
      .api()
      .get<{ service: string; title: string; body: string }>("/api/v1/runbooks/template", {
        query: { service },
      });
    ctx.out.result(t, (x) => ctx.out.print(x.body.replace(/\n$/, "")));
    return 0;
  },
};

export const runbookGroup: CommandGroup = {
  kind: "group",
  name: "runbook",
  summary: "Runbooks per service: import a folder, show, edit, and their version history",
  description:
    "A runbook is markdown in seed 001's format (# Runbook: X, ## Service Overview, ## Common Issues with\n" +
    "### Issue N: Symptoms / Diagnosis / Resolution, ## Escalation). Every save keeps the previous text.",
  children: [importCommand, list, show, set, history, restore, template],
  examples: [
    "foghorn runbook import docs/runbooks/",
    "foghorn runbook show checkout",
    "foghorn runbook history checkout",
  ],
};
