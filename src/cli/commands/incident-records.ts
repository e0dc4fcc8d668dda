import type {
  addEvidence,
  addNote,
  PostStatusUpdateInput,
  postStatusUpdate,
} from "#app/incidents/records.ts";
import type { CommandSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type Note = Awaited<ReturnType<typeof addNote>>;
type Evidence = Awaited<ReturnType<typeof addEvidence>>;
type StatusUpdate = Awaited<ReturnType<typeof postStatusUpdate>>;

const note: CommandSpec = {
  kind: "command",
  name: "note",
  summary: "Add a note to an incident's timeline",
  description: "The text may be quoted or not; without it, the note is read from standard input when piped.",
  args: [INCIDENT_ARG, { name: "TEXT", description: "The note", rest: true, optional: true }],
  connects: true,
  examples: [
    'foghorn incident note INC-7 "Error rate 12% since the 14:02 deploy"',
    "foghorn incident note INC-7 rolled back to v2.3.1",
    "kubectl get pods -n checkout | foghorn incident note INC-7",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const text = ctx.args.optionalArg("TEXT") ?? (await ctx.readStdin())?.trim();
    if (!text) throw usageError(`incident note needs TEXT; e.g. ${note.examples[0]}`);
    const added = await ctx
      .api()
      .post<Note>(incidentPath(ref, "/notes"), { text }, { fieldNames: { text: "TEXT" } });
    ctx.out.result(added, (n) => ctx.out.print(`Noted on ${n.incident_id} (event #${n.seq}).`));
    return 0;
  },
};

const evidence: CommandSpec = {
  kind: "command",
  name: "evidence",
  summary: "Link evidence to an incident: a dashboard, metric, log, trace or screenshot URL",
  args: [INCIDENT_ARG, { name: "URL", description: "An http(s) link to the evidence" }],
  flags: [
    {
      name: "kind",
      type: "string",
      value: "KIND",
      description: "metric, log, trace, screenshot, dashboard, link (default), other",
    },
    { name: "caption", type: "string", value: "TEXT", description: "What it shows" },
  ],
  connects: true,
  examples: [
    'foghorn incident evidence INC-7 https://grafana.example.com/d/checkout --kind dashboard --caption "5xx rate"',
    "foghorn incident evidence INC-7 https://logs.example.com/q/abc123 --kind log",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const kind = ctx.args.string("kind");
    const caption = ctx.args.string("caption");
    // The server checks the kind against its list, so a wrong one is reported with the choices.
    const body = {
      url: ctx.args.arg("URL"),
      ...(kind ? { kind: kind.toLowerCase() } : {}),
      ...(caption !== undefined ? { caption } : {}),
    };
    const added = await ctx.api().post<Evidence>(incidentPath(ref, "/evidence"), body, {
      fieldNames: { url: "URL", kind: "--kind", caption: "--caption" },
    });
    ctx.out.result(added, (e) => ctx.out.print(`Added ${e.kind} evidence to ${ref.toUpperCase()}: ${e.url}`));
    return 0;
  },
};

const post: CommandSpec = {
  kind: "command",
  name: "post",
  aliases: ["post-update"],
  summary: "Post a status update (internal by default, --external for the status page)",
  description:
    "A status update tells people what is going on. Its public status defaults from the incident's\n" +
    "lifecycle status; set it with --status investigating|identified|monitoring|resolved.",
  args: [INCIDENT_ARG, { name: "MESSAGE", description: "The update", rest: true }],
  flags: [
    {
      name: "status",
      type: "string",
      value: "STATUS",
      description: "investigating, identified, monitoring or resolved (default: from the incident)",
    },
    {
      name: "external",
      type: "boolean",
      description: "Publish to customers (the status page), not only internally",
    },
  ],
  connects: true,
  examples: [
    'foghorn incident post INC-7 "We rolled back the deploy; error rates are dropping"',
    'foghorn incident post INC-7 --external --status identified "Payments are failing for some EU customers"',
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const status = ctx.args.string("status");
    const body: PostStatusUpdateInput = {
      message: ctx.args.arg("MESSAGE"),
      visibility: ctx.args.boolean("external") ? "external" : "internal",
      ...(status ? { status: status.toLowerCase() } : {}),
    };
    const posted = await ctx.api().post<StatusUpdate>(incidentPath(ref, "/status-updates"), body, {
      fieldNames: { message: "MESSAGE", status: "--status", visibility: "--external" },
    });
    ctx.out.result(posted, (u) =>
      ctx.out.print(`Posted ${u.visibility} update [${u.status}] on ${u.incident_id}.`),
    );
    return 0;
  },
};

export const incidentRecordCommands: readonly CommandSpec[] = [note, evidence, post];
