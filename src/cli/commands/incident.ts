import type { CommandGroup, CommandNode } from "../command.ts";
import { actionGroup } from "./incident-action.ts";
import { checkServicesCommand } from "./incident-check.ts";
import { incidentChecklistCommands } from "./incident-checklist.ts";
import { incidentEditCommands } from "./incident-edit.ts";
import { incidentLifecycleCommands } from "./incident-lifecycle.ts";
import { incidentReadCommands } from "./incident-read.ts";
import { incidentRecordCommands } from "./incident-records.ts";
import { incidentTemplateCommand } from "./incident-template.ts";
import { incidentExportCommand } from "./markdown-incidents.ts";

/** The subcommands in the order a responder meets them, which is the order help lists them. */
function inOrder(nodes: readonly CommandNode[], names: readonly string[]): CommandNode[] {
  const rank = (n: CommandNode) => {
    const i = names.indexOf(n.name);
    return i < 0 ? names.length : i;
  };
  return [...nodes].sort((a, b) => rank(a) - rank(b));
}

export const incidentGroup: CommandGroup = {
  kind: "group",
  name: "incident",
  summary: "Declare, list, show and run incidents through their lifecycle",
  description:
    "Every subcommand talks to the server's REST API (see `foghorn help` for the URL and token).\n" +
    "Incidents are named INC-<number>; plain numbers work too.",
  children: inOrder(
    [
      ...incidentLifecycleCommands,
      ...incidentReadCommands,
      ...incidentEditCommands,
      ...incidentRecordCommands,
      ...incidentChecklistCommands,
      incidentTemplateCommand,
      checkServicesCommand,
      actionGroup,
      incidentExportCommand,
    ],
    [
      "declare",
      "list",
      "show",
      "ack",
      "status",
      "resolve",
      "note",
      "assign",
      "update",
      "evidence",
      "check-services",
      "post",
      "template",
      "checklist",
      "tick",
      "action",
      "timeline",
      "verify",
      "export",
    ],
  ),
  examples: [
    'foghorn incident declare --title "Checkout errors" --severity SEV2 --service checkout --assignee bob',
    "foghorn incident list --status open",
    "foghorn incident show INC-7",
  ],
};
