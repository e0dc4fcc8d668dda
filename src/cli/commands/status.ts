import type { CommandGroup, CommandNode } from "../command.ts";
import { STATUS_CONFIG_COMMANDS } from "./status-config.ts";
import { STATUS_EXPORT_COMMANDS } from "./status-export.ts";
import { STATUS_SUBSCRIBER_COMMANDS } from "./status-subscriber.ts";

// `foghorn status …`: the public status page. Each part of it keeps its commands in its own file and
// adds them to CHILDREN here (one import and one spread per file): configuration (components, groups,
// maintenance, settings) in status-config.ts.

const CHILDREN: readonly CommandNode[] = [
  ...STATUS_CONFIG_COMMANDS,
  ...STATUS_SUBSCRIBER_COMMANDS,
  ...STATUS_EXPORT_COMMANDS,
];

export const statusGroup: CommandGroup = {
  kind: "group",
  name: "status",
  summary: "The public status page: components, maintenance, subscribers, settings",
  description:
    "What the public status page at /status shows: components and groups (linked to services, so an\n" +
    "incident on a service shows on its component), scheduled maintenance, and the page's settings;\n" +
    "and who hears about it. See docs/status-page.md.",
  children: CHILDREN,
  examples: [
    "foghorn status component create API --service api-gateway",
    'foghorn status maintenance create "Database upgrade" --start "2026-12-24 22:00" --end "2026-12-25 00:00" --component API',
    "foghorn status settings --name 'Acme status' --time-zone Europe/Berlin",
  ],
};
