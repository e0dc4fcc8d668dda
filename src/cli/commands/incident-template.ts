import type { listIncidentTemplates, renderIncidentTemplate } from "#app/incidents/templates.ts";
import type { CommandSpec } from "../command.ts";
import { INCIDENT_ARG, incidentPath } from "./incident-shared.ts";

type TemplateList = Awaited<ReturnType<typeof listIncidentTemplates>>;
type Template = Awaited<ReturnType<typeof renderIncidentTemplate>>;

/** `foghorn incident template INC-7 [NAME]`: print one rendered template, or list them. */
export const incidentTemplateCommand: CommandSpec = {
  kind: "command",
  name: "template",
  aliases: ["templates"],
  summary: "Print a communication template filled in from the incident (status doc, status page, brief…)",
  description:
    "With NAME, prints that template's text and nothing else, ready to pipe or paste. Without it, lists\n" +
    "the templates: incident-declared, incident-update, status-investigating, status-identified,\n" +
    "status-monitoring, status-resolved, status-page-update, executive-brief (SEV1), status-doc.\n" +
    "Installations change the texts under `templates` in foghorn.config.yaml (docs/communication.md).",
  args: [INCIDENT_ARG, { name: "NAME", description: "The template, e.g. status-doc", optional: true }],
  connects: true,
  examples: [
    "foghorn incident template INC-7 status-doc",
    "foghorn incident template INC-7 status-identified | pbcopy",
    "foghorn incident template INC-7",
  ],
  async run(ctx) {
    const ref = ctx.args.arg("INCIDENT");
    const name = ctx.args.optionalArg("NAME");
    if (name) {
      const t = await ctx.api().get<Template>(incidentPath(ref, `/templates/${encodeURIComponent(name)}`));
      ctx.out.result(t, (r) => ctx.out.print(r.text));
      return 0;
    }
    const list = await ctx.api().get<TemplateList>(incidentPath(ref, "/templates"));
    ctx.out.result(list, (r) => {
      ctx.out.table(
        ["NAME", "FOR", "POST AS", "TITLE"],
        r.templates.map((t) => [
          { text: t.name, paint: ctx.out.color.bold },
          t.intended_for ? `${t.audience} (${t.intended_for})` : t.audience,
          t.suggested_update.status ? `${t.suggested_update.visibility} ${t.suggested_update.status}` : "-",
          `${t.title}${t.customized ? " (customized)" : ""}`,
        ]),
      );
      ctx.out.print(ctx.out.color.dim(`Print one: foghorn incident template ${r.incident_id} status-doc`));
    });
    return 0;
  },
};
