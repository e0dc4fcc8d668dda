import type { CommandContext, CommandGroup, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import type { Page } from "../paging.ts";
import {
  type EscalationRule,
  minutesOf,
  parseTargets,
  printWarnings,
  rulePath,
  targetText,
} from "./oncall-shared.ts";

// `foghorn escalation-rule`: seed 003's matrix, "SEV1 unresolved 30 min → managers", "data-breach → legal".

const RULE_ARG = { name: "NAME", description: "The rule's name or id, e.g. sev1-managers" };
const FIELD_FLAGS = {
  name: "NAME",
  severities: "--severity",
  tags: "--tag",
  unresolved_minutes: "--unresolved",
  targets: "--target",
};

const RULE_FLAGS: readonly FlagSpec[] = [
  {
    name: "severity",
    type: "string",
    multiple: true,
    value: "SEV",
    description:
      "Only incidents of these severities (SEV1, critical, P1, …; repeat or comma-separate); default any",
  },
  {
    name: "tag",
    type: "string",
    multiple: true,
    value: "TAG",
    description: "Only incidents carrying one of these tags, e.g. data-breach; default any",
  },
  {
    name: "unresolved",
    type: "string",
    value: "MINUTES",
    description:
      'Fire once the incident has been unresolved this long, e.g. 30m or 2h; "none": as soon as it matches',
  },
  {
    name: "target",
    type: "string",
    multiple: true,
    value: "TARGETS",
    description: "Who is notified: usernames, schedule:NAME, team:NAME (repeat or comma-separate)",
  },
];

function ruleBody(ctx: CommandContext): Record<string, unknown> {
  const a = ctx.args;
  const body: Record<string, unknown> = {};
  if (a.strings("severity").length) body.severities = a.strings("severity");
  if (a.strings("tag").length) body.tags = a.strings("tag");
  const unresolved = a.string("unresolved");
  if (unresolved !== undefined)
    body.unresolved_minutes =
      unresolved.trim().toLowerCase() === "none" ? null : minutesOf("unresolved", unresolved);
  const targets = a.values("target");
  if (targets.length) body.targets = targets.flatMap((t) => parseTargets("target", t));
  return body;
}

function printRule(ctx: CommandContext, r: EscalationRule): void {
  const out = ctx.out;
  out.print(
    `${out.color.bold(r.name)}  ${r.enabled ? out.color.green("enabled") : out.color.dim("disabled")}`,
  );
  out.print(`  When:     ${r.condition}`);
  out.print(`  Notifies: ${r.targets.map(targetText).join(", ") || "-"}`);
  printWarnings(out, r.warnings);
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create an escalation rule: conditions on open incidents → who is notified",
  description:
    "A rule fires once per open incident that matches every condition given: one of --severity, one of\n" +
    "--tag, and unresolved for --unresolved minutes. Without conditions it fires for every incident.",
  args: [{ name: "NAME", description: "The rule's name, e.g. sev1-managers" }],
  flags: [...RULE_FLAGS, { name: "disabled", type: "boolean", description: "Create it paused" }],
  connects: true,
  examples: [
    "foghorn escalation-rule create sev1-managers --severity SEV1 --unresolved 30m --target team:eng-managers",
    "foghorn escalation-rule create breach-legal --tag data-breach --target team:legal,alice",
  ],
  async run(ctx) {
    const body = {
      name: ctx.args.arg("NAME"),
      ...ruleBody(ctx),
      ...(ctx.args.boolean("disabled") ? { enabled: false } : {}),
    };
    if (!("targets" in body))
      throw usageError(`escalation-rule create needs --target; e.g. ${create.examples[0]}`);
    const rule = await ctx
      .api()
      .post<EscalationRule>("/api/v1/escalation-rules", body, { fieldNames: FIELD_FLAGS });
    ctx.out.result(rule, (r) => {
      ctx.out.print(`Created escalation rule ${ctx.out.color.bold(r.name)}.`);
      printRule(ctx, r);
    });
    return 0;
  },
};

const set: CommandSpec = {
  kind: "command",
  name: "set",
  summary: "Change an escalation rule, or pause and resume it",
  args: [RULE_ARG],
  flags: [
    ...RULE_FLAGS,
    { name: "enable", type: "boolean", description: "Resume the rule" },
    { name: "disable", type: "boolean", description: "Pause the rule" },
  ],
  connects: true,
  examples: [
    "foghorn escalation-rule set sev1-managers --disable",
    "foghorn escalation-rule set sev1-managers --unresolved 1h --severity SEV1,SEV2",
  ],
  async run(ctx) {
    const a = ctx.args;
    if (a.boolean("enable") && a.boolean("disable")) throw usageError("give --enable or --disable, not both");
    const body = {
      ...ruleBody(ctx),
      ...(a.boolean("enable") ? { enabled: true } : a.boolean("disable") ? { enabled: false } : {}),
    };
    if (Object.keys(body).length === 0)
      throw usageError(`escalation-rule set needs at least one change, e.g. ${set.examples[0]}`);
    const rule = await ctx
      .api()
      .patch<EscalationRule>(rulePath(a.arg("NAME")), body, { fieldNames: FIELD_FLAGS });
    ctx.out.result(rule, (r) => {
      ctx.out.print(`Updated escalation rule ${ctx.out.color.bold(r.name)}.`);
      printRule(ctx, r);
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List escalation rules with their conditions in words",
  connects: true,
  examples: [
    "foghorn escalation-rule list",
    "foghorn escalation-rule list --json | jq -r '.items[] | select(.enabled) | .name'",
  ],
  async run(ctx) {
    const page = await ctx.api().get<Page<EscalationRule>>("/api/v1/escalation-rules");
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No escalation rules yet. Create one:");
        ctx.out.print(`  ${create.examples[0]}`);
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["RULE", "STATE", "WHEN", "NOTIFIES"],
        items.map((r) => [
          { text: r.name, paint: c.bold },
          r.enabled ? { text: "enabled", paint: c.green } : { text: "disabled", paint: c.dim },
          r.condition,
          r.targets.map(targetText).join(", "),
        ]),
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show an escalation rule",
  args: [RULE_ARG],
  connects: true,
  examples: [
    "foghorn escalation-rule show sev1-managers",
    "foghorn escalation-rule show breach-legal --json",
  ],
  async run(ctx) {
    const rule = await ctx.api().get<EscalationRule>(rulePath(ctx.args.arg("NAME")));
    ctx.out.result(rule, (r) => printRule(ctx, r));
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete an escalation rule",
  args: [RULE_ARG],
  connects: true,
  examples: [
    "foghorn escalation-rule delete sev1-managers",
    "foghorn escalation-rule delete old-rule --json",
  ],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    await ctx.api().request<unknown>("DELETE", rulePath(name));
    ctx.out.result({ name, deleted: true }, () => ctx.out.print(`Deleted escalation rule ${name}.`));
    return 0;
  },
};

export const escalationRuleGroup: CommandGroup = {
  kind: "group",
  name: "escalation-rule",
  summary: "Manage escalation rules: severity, tags, unresolved for N minutes → who is notified",
  children: [create, list, show, set, remove],
  examples: [
    "foghorn escalation-rule create sev1-managers --severity SEV1 --unresolved 30m --target team:eng-managers",
    "foghorn escalation-rule list",
  ],
};
