import type { CommandNode } from "./command.ts";
import { demoCommand } from "./commands/demo.ts";
import { helpCommand } from "./commands/help.ts";
import { incidentGroup } from "./commands/incident.ts";
import { loginCommand } from "./commands/login.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { serveCommand } from "./commands/serve.ts";
import { servicesCommand } from "./commands/services.ts";
import { tokenGroup } from "./commands/token.ts";
import { userGroup } from "./commands/user.ts";
import { versionCommand } from "./commands/version.ts";

/** Every top-level command, in the order `foghorn help` lists them. */
export const COMMANDS: readonly CommandNode[] = [
  incidentGroup,
  serveCommand,
  migrateCommand,
  demoCommand,
  loginCommand,
  tokenGroup,
  userGroup,
  servicesCommand,
  versionCommand,
  helpCommand(() => COMMANDS),
];
