import type { CommandNode } from "./command.ts";
import { alertGroup } from "./commands/alert.ts";
import { auditCommand } from "./commands/audit.ts";
import { backlogGroup } from "./commands/backlog.ts";
import { backupCommand } from "./commands/backup.ts";
import { checkGroup } from "./commands/check.ts";
import { contactGroup } from "./commands/contact.ts";
import { demoCommand } from "./commands/demo.ts";
import { escalationRuleGroup } from "./commands/escalation-rule.ts";
import { fieldGroup } from "./commands/field.ts";
import { helpCommand } from "./commands/help.ts";
import { incidentGroup } from "./commands/incident.ts";
import { incidentTypeGroup } from "./commands/incident-type.ts";
import { integrationGroup } from "./commands/integration.ts";
import { loginCommand } from "./commands/login.ts";
import { maintenanceGroup } from "./commands/maintenance.ts";
import { importGroup } from "./commands/markdown-incidents.ts";
import { metricsCommand } from "./commands/metrics.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { migrateStorageCommand } from "./commands/migrate-storage.ts";
import { pagingGroup } from "./commands/paging.ts";
import { policyGroup } from "./commands/policy.ts";
import { postmortemGroup } from "./commands/postmortem.ts";
import { restoreCommand } from "./commands/restore.ts";
import { runbookGroup } from "./commands/runbook.ts";
import { oncallCommand, scheduleGroup } from "./commands/schedule.ts";
import { serveCommand } from "./commands/serve.ts";
import { serviceGroup } from "./commands/service.ts";
import { servicesCommand } from "./commands/services.ts";
import { statusGroup } from "./commands/status.ts";
import { teamGroup } from "./commands/team.ts";
import { tokenGroup } from "./commands/token.ts";
import { userGroup } from "./commands/user.ts";
import { versionCommand } from "./commands/version.ts";

/** Every top-level command, in the order `foghorn help` lists them. */
export const COMMANDS: readonly CommandNode[] = [
  incidentGroup,
  incidentTypeGroup,
  fieldGroup,
  postmortemGroup,
  importGroup,
  backlogGroup,
  metricsCommand,
  alertGroup,
  serviceGroup,
  integrationGroup,
  checkGroup,
  runbookGroup,
  maintenanceGroup,
  statusGroup,
  userGroup,
  contactGroup,
  teamGroup,
  scheduleGroup,
  oncallCommand,
  policyGroup,
  escalationRuleGroup,
  pagingGroup,
  serveCommand,
  migrateCommand,
  backupCommand,
  restoreCommand,
  migrateStorageCommand,
  demoCommand,
  loginCommand,
  tokenGroup,
  auditCommand,
  servicesCommand,
  versionCommand,
  helpCommand(() => COMMANDS),
];
