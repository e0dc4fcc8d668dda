import { existsSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { listPostmortems } from "#app/postmortems/get.ts";
import type { PostmortemView } from "#app/postmortems/internal.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT, messageOf, usageError } from "../errors.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type PostmortemList = Awaited<ReturnType<typeof listPostmortems>>;

const pmPath = (ref: string, sub = "") => incidentPath(ref, `/postmortem${sub}`);

/** One line about where a postmortem stands: status, due date, what to do next. */
function statusLine(pm: PostmortemView): string {
  const due = pm.due_at
    ? `, due ${pm.due_at.slice(0, 16).replace("T", " ")} UTC${pm.overdue ? " (OVERDUE)" : ""}`
    : "";
  return `${pm.incident_id} postmortem: ${pm.status.replace("_", " ")} (version ${pm.version})${due}`;
}

function printSummary(ctx: CommandContext, pm: PostmortemView, done: string): void {
  ctx.out.result(pm, (p) => {
    ctx.out.print(done);
    ctx.out.print(statusLine(p));
    const next =
      p.status === "draft"
        ? `Next: foghorn postmortem edit ${p.incident_id} --summary "…"   then: foghorn postmortem submit ${p.incident_id}`
        : p.status === "in_review"
          ? `Next: foghorn postmortem publish ${p.incident_id}`
          : `Export: foghorn postmortem export ${p.incident_id} -o .`;
    ctx.out.print(ctx.out.color.dim(next));
  });
}

const start: CommandSpec = {
  kind: "command",
  name: "start",
  summary: "Start an incident's postmortem (a draft prefilled from the incident)",
  args: [INCIDENT_ARG],
  connects: true,
  examples: ["foghorn postmortem start INC-7", "foghorn postmortem start INC-7 --json"],
  async run(ctx) {
    const pm = await ctx.api().post<PostmortemView>(pmPath(ctx.args.arg("INCIDENT")));
    printSummary(ctx, pm, `Started the postmortem of ${pm.incident_id} (author ${pm.author})`);
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Print a postmortem as markdown, with its status and due date",
  args: [INCIDENT_ARG],
  connects: true,
  examples: ["foghorn postmortem show INC-7", "foghorn postmortem show INC-7 --json | jq .sections"],
  async run(ctx) {
    const pm = await ctx.api().get<PostmortemView>(pmPath(ctx.args.arg("INCIDENT")));
    ctx.out.result(pm, (p) => {
      ctx.out.print(ctx.out.color.dim(statusLine(p)));
      ctx.out.print();
      ctx.out.print(p.markdown.trimEnd());
    });
    return 0;
  },
};

const aiDraft: CommandSpec = {
  kind: "command",
  name: "draft",
  summary: "Fill the summary, impact and five whys with an AI draft (needs the ai settings)",
  args: [INCIDENT_ARG],
  connects: true,
  examples: [
    "foghorn postmortem draft INC-7",
    "foghorn postmortem draft INC-7 && foghorn postmortem show INC-7",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    ctx.out.progress(`Asking the configured model for a draft of ${ref}'s postmortem…`);
    const pm = await ctx.api().post<PostmortemView>(pmPath(ref, "/ai-draft"));
    printSummary(
      ctx,
      pm,
      `Drafted the summary, impact and five whys of ${pm.incident_id} with AI: review them before publishing`,
    );
    return 0;
  },
};

/** Reads --file: YAML or JSON, either the sections themselves or { sections, reviewers }. */
async function readSectionsFile(ctx: CommandContext, file: string): Promise<Record<string, unknown>> {
  let text: string | undefined;
  try {
    text = file === "-" ? await ctx.readStdin() : await readFile(file, "utf8");
  } catch (error) {
    throw usageError(`cannot read --file ${file}: ${messageOf(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text ?? "");
  } catch (error) {
    throw usageError(`--file ${file} is not valid YAML or JSON: ${messageOf(error).split("\n")[0]}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw usageError(
      `--file ${file} must hold a mapping of sections, e.g. "summary: …" and "five_whys: [ … ]"`,
    );
  const body = parsed as Record<string, unknown>;
  return "sections" in body || "reviewers" in body ? body : { sections: body };
}

const edit: CommandSpec = {
  kind: "command",
  name: "edit",
  summary: "Change a postmortem's sections or reviewers",
  description:
    "Sets the sections given by flags or in a YAML/JSON file (summary, impact, root_cause, five_whys, contributing_factors, resolution, went_well, went_poorly, lessons_learned); the others stay as they are. Fails when someone else saved in between: show it again and repeat.",
  args: [INCIDENT_ARG],
  flags: [
    { name: "summary", type: "string", value: "TEXT", description: "The summary (markdown)" },
    { name: "root-cause", type: "string", value: "TEXT", description: "The root cause (markdown)" },
    {
      name: "reviewer",
      type: "string",
      multiple: true,
      value: "HANDLE",
      description: "Reviewers (replaces the list)",
    },
    {
      name: "file",
      type: "string",
      value: "FILE",
      description: "Sections from a YAML or JSON file (- for standard input)",
    },
  ],
  connects: true,
  examples: [
    'foghorn postmortem edit INC-7 --summary "Bulk exports timed out for 45 min" --reviewer alice --reviewer bob',
    "foghorn postmortem edit INC-7 --file sections.yaml",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const file = ctx.args.string("file");
    const body: Record<string, unknown> = file ? await readSectionsFile(ctx, file) : {};
    const sections = { ...((body.sections as Record<string, unknown> | undefined) ?? {}) };
    const summary = ctx.args.string("summary");
    const rootCause = ctx.args.string("root-cause");
    if (summary !== undefined) sections.summary = summary;
    if (rootCause !== undefined) sections.root_cause = rootCause;
    const reviewers = ctx.args.strings("reviewer");
    if (reviewers.length) body.reviewers = reviewers;
    if (Object.keys(sections).length === 0 && body.reviewers === undefined)
      throw usageError(
        "postmortem edit needs --summary, --root-cause, --reviewer or --file; e.g. foghorn postmortem edit INC-7 --file sections.yaml",
      );
    const current = await ctx.api().get<PostmortemView>(pmPath(ref));
    const pm = await ctx.api().put<PostmortemView>(
      pmPath(ref),
      { ...body, sections, version: current.version },
      {
        fieldNames: {
          "sections.summary": "--summary",
          "sections.root_cause": "--root-cause",
          reviewers: "--reviewer",
        },
      },
    );
    printSummary(ctx, pm, `Saved the postmortem of ${pm.incident_id}`);
    return 0;
  },
};

function statusCommand(
  name: string,
  status: string,
  summary: string,
  done: string,
  examples: string[],
): CommandSpec {
  return {
    kind: "command",
    name,
    summary,
    args: [INCIDENT_ARG],
    connects: true,
    examples,
    async run(ctx) {
      const pm = await ctx
        .api()
        .post<PostmortemView>(pmPath(ctx.args.arg("INCIDENT"), "/status"), { status });
      printSummary(ctx, pm, `${done} the postmortem of ${pm.incident_id}`);
      return 0;
    },
  };
}

const submit = statusCommand("submit", "in_review", "Submit a postmortem draft for review", "Submitted", [
  "foghorn postmortem submit INC-7",
  "foghorn postmortem submit INC-7 --json",
]);
const publish = statusCommand(
  "publish",
  "published",
  "Publish a reviewed postmortem (moves the resolved incident to postmortem)",
  "Published",
  ["foghorn postmortem publish INC-7", "foghorn postmortem publish INC-7 --json"],
);
const reopen = statusCommand(
  "reopen",
  "draft",
  "Move a postmortem back to draft (rework or correct it)",
  "Reopened",
  ["foghorn postmortem reopen INC-7", "foghorn postmortem reopen INC-7 --json"],
);

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List postmortems and the ones still to write, with due dates",
  flags: [
    {
      name: "status",
      type: "string",
      value: "STATUS",
      description: "draft, in_review, published or not_started",
    },
    { name: "overdue", type: "boolean", description: "Only overdue postmortems" },
  ],
  connects: true,
  examples: [
    "foghorn postmortem list",
    "foghorn postmortem list --overdue",
    "foghorn postmortem list --status in_review --json",
  ],
  async run(ctx) {
    const page = await ctx.api().get<PostmortemList>("/api/v1/postmortems", {
      query: { status: ctx.args.string("status"), overdue: ctx.args.boolean("overdue") ? "true" : undefined },
      fieldNames: { status: "--status" },
    });
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No postmortems match.");
        return;
      }
      ctx.out.table(
        ["INCIDENT", "SEV", "STATUS", "DUE", "TITLE"],
        items.map((i) => [
          i.incident_id,
          i.severity,
          i.status,
          i.due_at ? `${i.due_at.slice(0, 10)}${i.overdue ? " OVERDUE" : ""}` : "-",
          i.title,
        ]),
      );
    });
    return 0;
  },
};

const exportCommand: CommandSpec = {
  kind: "command",
  name: "export",
  summary: "Write a postmortem to postmortem-YYYY-MM-DD.md",
  description:
    "Writes the rendered markdown into the folder given by -o (default: the current folder) as postmortem-YYYY-MM-DD.md (the incident's start date), or to the file -o names; -o - prints it. Never overwrites without --force.",
  args: [INCIDENT_ARG],
  flags: [
    {
      name: "output",
      short: "o",
      type: "string",
      value: "PATH",
      description: "A folder, a file name, or - for standard output",
    },
    { name: "force", type: "boolean", description: "Overwrite an existing file" },
  ],
  connects: true,
  noJson: true,
  examples: ["foghorn postmortem export INC-7 -o .", "foghorn postmortem export INC-7 -o - | less"],
  async run(ctx) {
    const pm = await ctx.api().get<PostmortemView>(pmPath(ctx.args.arg("INCIDENT")));
    const output = ctx.args.string("output") ?? ".";
    if (output === "-") {
      ctx.out.print(pm.markdown.trimEnd());
      return 0;
    }
    const target = resolve(output);
    const path = existsSync(target) && statSync(target).isDirectory() ? join(target, pm.file_name) : target;
    if (existsSync(path) && !ctx.args.boolean("force"))
      throw new CliError(
        EXIT.FAILED,
        `${path} already exists; pass --force to overwrite it, or -o another folder`,
      );
    try {
      writeFileSync(path, pm.markdown);
    } catch (error) {
      throw new CliError(EXIT.FAILED, `cannot write ${path}: ${messageOf(error)}`);
    }
    ctx.out.print(path);
    return 0;
  },
};

export const postmortemGroup: CommandGroup = {
  kind: "group",
  name: "postmortem",
  summary: "Write, review, publish and export incident postmortems",
  children: [start, show, edit, aiDraft, submit, publish, reopen, list, exportCommand],
  examples: [
    "foghorn postmortem start INC-7",
    'foghorn postmortem edit INC-7 --summary "…" && foghorn postmortem submit INC-7',
    "foghorn postmortem export INC-7 -o .",
  ],
};
