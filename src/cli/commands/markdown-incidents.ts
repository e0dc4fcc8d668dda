import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT, usageError } from "../errors.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

// Markdown incidents (seed 000's `<root>/sprint/NN/incidents/YYYY-MM-DD-slug/`) in and out of the platform:
// `foghorn import markdown` and `foghorn incident export --layout markdown`.

const FILE_NAMES = new Set(["incident.md", "action-items.md"]);
const SKIP_DIRS = new Set(["node_modules", ".git"]);
const LAYOUT = /(^|\/)sprint\/\d+\/incidents\/[^/]+\/(incident|action-items)\.md$/;

/** The repository root: the nearest folder above (or at) `from` holding .git; else `from` itself. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** incident.md and action-items.md under `dir` in the layout, as paths relative to `base` with `/`. */
function findIncidentFiles(dir: string, base: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) findIncidentFiles(path, base, out);
    else if (entry.isFile() && FILE_NAMES.has(entry.name)) {
      const rel = relative(base, path).split(sep).join("/");
      if (LAYOUT.test(rel)) out.push(rel);
    }
  }
  return out.sort();
}

type ImportAnswer = {
  incidents: {
    source_ref: string;
    result: "imported" | "unchanged" | "skipped";
    incident_id: string | null;
    title: string | null;
    severity: string | null;
    action_items: number;
  }[];
  issues: { file: string; line: number; message: string; level: "error" | "warning" }[];
};

const importMarkdown: CommandSpec = {
  kind: "command",
  name: "markdown",
  summary: "Import markdown incident folders (<root>/sprint/NN/incidents/*/) as resolved incidents",
  description:
    "Finds every incident.md and action-items.md under FOLDER in seed 000's layout and imports each incident folder once (remembered by its path relative to the repository root, the nearest folder with .git): title, date, severity, impact, root cause, resolution, timeline bullets as notes, action items with owner and priority. A second run creates nothing. Problems are printed as file:line; the exit code is 1 when any file could not be read.",
  args: [
    {
      name: "FOLDER",
      description: "A repository, its .scraut folder, or one incident folder (default .)",
      optional: true,
    },
  ],
  flags: [
    {
      name: "root",
      type: "string",
      value: "DIR",
      description: "The folder holding sprint/NN/incidents/, relative to the repository (default .scraut)",
    },
  ],
  connects: true,
  examples: [
    "foghorn import markdown .",
    "foghorn import markdown .scraut/sprint/001/incidents/2026-05-24-api-timeout",
    "foghorn import markdown docs --root docs/incidents",
  ],
  async run(ctx) {
    const folder = resolve(ctx.args.optionalArg("FOLDER") ?? ".");
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new CliError(EXIT.FAILED, `${folder} is not a folder`);
    const base = repositoryRoot(folder);
    const paths = findIncidentFiles(folder, base);
    const root = ctx.args.string("root") ?? ".scraut";
    if (paths.length === 0)
      throw new CliError(
        EXIT.FAILED,
        `no incident.md or action-items.md under ${folder} in the layout ${root}/sprint/NN/incidents/YYYY-MM-DD-slug/`,
      );
    const files = paths.map((path) => ({ path, text: readFileSync(join(base, path), "utf8") }));
    const answer = await ctx.api().post<ImportAnswer>("/api/v1/incidents/import-markdown", { files, root });
    ctx.out.result(answer, (a) => {
      for (const i of a.incidents) {
        if (i.result === "imported")
          ctx.out.print(
            `imported ${i.incident_id} ${i.title} [${i.severity}] (${i.action_items} action item${i.action_items === 1 ? "" : "s"}) ← ${i.source_ref}`,
          );
        else if (i.result === "unchanged")
          ctx.out.print(
            `unchanged ${i.incident_id ?? ""} ${i.title ?? ""}: already imported from ${i.source_ref}`,
          );
        else ctx.out.print(`skipped ${i.source_ref}: see the problems below`);
      }
      for (const issue of a.issues)
        ctx.out.progress(`${issue.file}:${issue.line}: ${issue.level}: ${issue.message}`);
      const count = (r: string) => a.incidents.filter((i) => i.result === r).length;
      ctx.out.print(
        `${count("imported")} imported, ${count("unchanged")} already imported, ${count("skipped")} skipped.`,
      );
    });
    const errors = answer.issues.filter((i) => i.level === "error").length;
    return errors > 0 || answer.incidents.some((i) => i.result === "skipped") ? EXIT.FAILED : EXIT.OK;
  },
};

export const importGroup: CommandGroup = {
  kind: "group",
  name: "import",
  summary: "Import incidents kept elsewhere (markdown folders in a repository)",
  children: [importMarkdown],
  examples: [
    "foghorn import markdown .",
    "foghorn import markdown .scraut --url https://foghorn.example.com",
  ],
};

type MarkdownAnswer = { incident_id: string; folder: string; files: { path: string; text: string }[] };

export const incidentExportCommand: CommandSpec = {
  kind: "command",
  name: "export",
  summary: "Write an incident as markdown: <root>/sprint/NN/incidents/YYYY-MM-DD-slug/ (seed 000's layout)",
  description:
    "Writes incident.md and action-items.md under the repository folder given by -o (default .), in the layout `foghorn backlog sync` and `foghorn import markdown` read. An imported incident goes back to the folder it came from unless --root or --sprint is given. -o - prints both files. Never overwrites without --force.",
  args: [INCIDENT_ARG],
  flags: [
    {
      name: "layout",
      type: "string",
      value: "LAYOUT",
      description: "markdown (the only layout, the default)",
    },
    {
      name: "root",
      type: "string",
      value: "DIR",
      description: "The folder holding sprint/NN/incidents/ (default .scraut)",
    },
    {
      name: "sprint",
      type: "string",
      value: "N",
      description: "The sprint folder (default 1, or where it was imported from)",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      value: "DIR",
      description: "The repository folder, or - for standard output",
    },
    { name: "force", type: "boolean", description: "Overwrite existing files" },
  ],
  connects: true,
  examples: [
    "foghorn incident export INC-7 --layout markdown -o .",
    "foghorn incident export INC-7 --root .scraut --sprint 4 -o ~/src/api",
    "foghorn incident export INC-7 -o -",
  ],
  async run(ctx) {
    const layout = ctx.args.string("layout") ?? "markdown";
    if (layout !== "markdown")
      throw usageError(`--layout must be markdown (seed 000's folders); got "${layout}"`);
    const sprint = ctx.args.integer("sprint");
    const root = ctx.args.string("root");
    const answer = await ctx.api().get<MarkdownAnswer>(incidentPath(ctx.args.arg("INCIDENT"), "/markdown"), {
      query: { root, sprint },
    });
    const output = ctx.args.string("output") ?? ".";
    if (output === "-") {
      if (ctx.out.json) ctx.out.printJson(answer);
      else for (const f of answer.files) ctx.out.print(`<!-- ${f.path} -->\n${f.text}`);
      return 0;
    }
    const targets = answer.files.map((f) => ({ ...f, target: join(resolve(output), ...f.path.split("/")) }));
    const existing = targets.filter((t) => existsSync(t.target));
    if (existing.length && !ctx.args.boolean("force"))
      throw new CliError(
        EXIT.FAILED,
        `${existing.map((t) => t.target).join(" and ")} already exist${existing.length === 1 ? "s" : ""}; pass --force to overwrite`,
      );
    for (const t of targets) {
      try {
        mkdirSync(dirname(t.target), { recursive: true });
        writeFileSync(t.target, t.text);
      } catch (error) {
        throw new CliError(EXIT.FAILED, `cannot write ${t.target}: ${(error as Error).message}`);
      }
    }
    ctx.out.result({ ...answer, written: targets.map((t) => t.target) }, () => {
      for (const t of targets) ctx.out.print(t.target);
    });
    return 0;
  },
};
