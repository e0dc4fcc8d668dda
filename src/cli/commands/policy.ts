import type { CommandContext, CommandGroup, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import type { Page } from "../paging.ts";
import {
  delayText,
  minutesOf,
  type Policy,
  parseTargets,
  policyPath,
  printWarnings,
  readDocumentFlag,
  targetText,
} from "./oncall-shared.ts";

// `foghorn policy`: escalation policies, levels from --level/--delay flags or a YAML/JSON file.

const POLICY_ARG = { name: "NAME", description: "The policy's name or id, e.g. checkout" };
const FIELD_FLAGS = {
  name: "NAME",
  description: "--description",
  repeat: "--repeat",
};

const LEVEL_FLAGS: readonly FlagSpec[] = [
  {
    name: "level",
    type: "string",
    multiple: true,
    value: "TARGETS",
    description:
      'One level, in order: comma-separated targets, a username or schedule:NAME or team:NAME, e.g. "alice,schedule:primary" (repeat for more levels)',
  },
  {
    name: "delay",
    type: "string",
    multiple: true,
    value: "MINUTES",
    description:
      'Minutes each level waits for an ack before the next: one per --level in the same order, or one for all; "default" = the severity\'s ack target (SEV1 5, SEV2 15 min)',
  },
  {
    name: "round-robin",
    type: "string",
    value: "LEVELS",
    description: "Levels (numbers, e.g. 2 or 1,3) that page one target at a time, in turn, instead of all",
  },
  {
    name: "repeat",
    type: "string",
    value: "N",
    description: "Run the whole policy N more times (0–9, default 0)",
  },
  { name: "description", type: "string", value: "TEXT", description: "What the policy is for" },
  {
    name: "team",
    type: "string",
    value: "TEAM",
    description: "The owning team (its managers and admins may change the policy); none: no team",
  },
  {
    name: "file",
    type: "string",
    value: "FILE",
    description:
      "The policy as YAML or JSON (the API's body; - for standard input); flags override its fields",
  },
];

/** Levels from the flags: `--level` targets, `--delay` per level (or one for all), `--round-robin` numbers. */
function levelsFromFlags(ctx: CommandContext): Record<string, unknown>[] | undefined {
  const levels = ctx.args.values("level");
  const delays = ctx.args.values("delay");
  if (levels.length === 0) {
    if (delays.length)
      throw usageError("--delay needs --level: give one --delay per --level, in the same order");
    return undefined;
  }
  if (delays.length > 1 && delays.length !== levels.length)
    throw usageError(
      `give one --delay per --level (${levels.length} levels, ${delays.length} delays), or one --delay for all; ` +
        '"--delay default" uses the severity\'s ack target',
    );
  const roundRobin = new Set(
    (ctx.args.string("round-robin") ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => {
        if (!/^\d+$/.test(n) || Number(n) < 1 || Number(n) > levels.length)
          throw usageError(
            `--round-robin takes level numbers 1–${levels.length}, e.g. --round-robin 2; got "${n}"`,
          );
        return Number(n);
      }),
  );
  return levels.map((text, i) => {
    const delay = delays.length === 1 ? delays[0] : delays[i];
    return {
      targets: parseTargets("level", text),
      ...(delay !== undefined && delay.trim().toLowerCase() !== "default"
        ? { delay_minutes: minutesOf("delay", delay) }
        : {}),
      ...(roundRobin.has(i + 1) ? { round_robin: true } : {}),
    };
  });
}

/** The body of POST/PATCH: the file's fields (when --file), then the flags given. */
async function policyBody(ctx: CommandContext): Promise<Record<string, unknown>> {
  const a = ctx.args;
  const body: Record<string, unknown> =
    a.string("file") !== undefined ? await readDocumentFlag(ctx, "file") : {};
  const levels = levelsFromFlags(ctx);
  if (levels) body.levels = levels;
  const repeat = a.integer("repeat");
  if (repeat !== undefined) body.repeat = repeat;
  const description = a.string("description");
  if (description !== undefined) body.description = description;
  const team = a.string("team");
  if (team !== undefined) body.team = team === "none" ? null : team;
  return body;
}

export function printPolicy(ctx: CommandContext, p: Policy): void {
  const out = ctx.out;
  const repeats = p.repeat ? `, then ${p.repeat} more time${p.repeat === 1 ? "" : "s"}` : "";
  out.print(
    `${out.color.bold(p.name)}  ${p.levels.length} level${p.levels.length === 1 ? "" : "s"}${repeats}`,
  );
  if (p.description) out.print(`  ${p.description}`);
  if (p.team) out.print(`  Team: ${p.team}`);
  out.print(
    `  Used by: ${p.services.length ? p.services.join(", ") : "no service (foghorn service set NAME --policy …)"}`,
  );
  if (p.levels.length)
    out.table(
      ["LEVEL", "PAGES", "ESCALATES AFTER"],
      p.levels.map((l) => [
        String(l.level),
        `${l.targets.map(targetText).join(", ") || "-"}${l.round_robin ? " (one at a time, in turn)" : ""}`,
        delayText(l.delay_minutes),
      ]),
    );
  printWarnings(out, p.warnings);
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create an escalation policy: levels of people, schedules and teams paged in turn",
  description:
    "Each --level pages its targets; if nobody acknowledges within its --delay, the next level is paged.\n" +
    "After the last level the policy starts over --repeat more times. Without --delay a level waits the\n" +
    "incident severity's ack target (SEV1 5 min, SEV2 15 min). A file holds the API's body, e.g.:\n" +
    "  name: checkout\n" +
    "  repeat: 1\n" +
    "  levels:\n" +
    "    - targets: [{type: schedule, name: primary}]\n" +
    "    - delay_minutes: 10\n" +
    "      targets: [{type: user, name: alice}, {type: team, name: payments}]",
  args: [{ ...POLICY_ARG, description: "The policy's name (else the file's name)", optional: true }],
  flags: LEVEL_FLAGS,
  connects: true,
  examples: [
    'foghorn policy create checkout --level schedule:primary --delay 5 --level "alice,team:payments" --delay 15 --repeat 1',
    "foghorn policy create search --level schedule:search-oncall --level team:sre --round-robin 2",
    "foghorn policy create --file policy.yaml",
  ],
  async run(ctx) {
    const body = await policyBody(ctx);
    const name = ctx.args.optionalArg("NAME");
    if (name !== undefined) body.name = name;
    if (body.name === undefined)
      throw usageError(`policy create needs NAME (or name: in --file); e.g. ${create.examples[0]}`);
    if (body.levels === undefined)
      throw usageError(`policy create needs --level (or levels: in --file); e.g. ${create.examples[0]}`);
    const policy = await ctx
      .api()
      .post<Policy>("/api/v1/escalation-policies", body, { fieldNames: FIELD_FLAGS });
    ctx.out.result(policy, (p) => {
      ctx.out.print(`Created escalation policy ${ctx.out.color.bold(p.name)}.`);
      printPolicy(ctx, p);
      ctx.out.print("");
      ctx.out.print(`Next, page with it: foghorn service set SERVICE --policy ${p.name}`);
    });
    return 0;
  },
};

const set: CommandSpec = {
  kind: "command",
  name: "set",
  summary: "Change an escalation policy (--level replaces every level)",
  args: [POLICY_ARG],
  flags: LEVEL_FLAGS,
  connects: true,
  examples: [
    "foghorn policy set checkout --repeat 2",
    'foghorn policy set checkout --level schedule:primary --level "team:payments" --delay 10',
    "foghorn policy set checkout --file policy.yaml",
  ],
  async run(ctx) {
    const body = await policyBody(ctx);
    if (Object.keys(body).length === 0)
      throw usageError(`policy set needs at least one change, e.g. ${set.examples[0]}`);
    const policy = await ctx
      .api()
      .patch<Policy>(policyPath(ctx.args.arg("NAME")), body, { fieldNames: FIELD_FLAGS });
    ctx.out.result(policy, (p) => {
      ctx.out.print(`Updated escalation policy ${ctx.out.color.bold(p.name)}.`);
      printPolicy(ctx, p);
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List escalation policies with their levels and the services that use them",
  connects: true,
  examples: [
    "foghorn policy list",
    "foghorn policy list --json | jq -r '.items[] | select(.services == []) | .name'",
  ],
  async run(ctx) {
    const page = await ctx.api().get<Page<Policy>>("/api/v1/escalation-policies");
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No escalation policies yet. Create one:");
        ctx.out.print(`  ${create.examples[0]}`);
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["POLICY", "LEVELS", "REPEAT", "SERVICES", "FIRST LEVEL PAGES", "WARNING"],
        items.map((p) => [
          { text: p.name, paint: c.bold },
          String(p.levels.length),
          String(p.repeat),
          p.services.join(", ") || "-",
          p.levels[0]?.targets.map(targetText).join(", ") || "-",
          p.warnings[0] ? { text: p.warnings[0], paint: c.yellow } : "-",
        ]),
      );
    });
    return 0;
  },
};

const show: CommandSpec = {
  kind: "command",
  name: "show",
  summary: "Show an escalation policy: levels, delays, services, warnings",
  args: [POLICY_ARG],
  connects: true,
  examples: ["foghorn policy show checkout", "foghorn policy show checkout --json | jq .warnings"],
  async run(ctx) {
    const policy = await ctx.api().get<Policy>(policyPath(ctx.args.arg("NAME")));
    ctx.out.result(policy, (p) => printPolicy(ctx, p));
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "delete",
  aliases: ["rm"],
  summary: "Delete an escalation policy (refused while a service uses it)",
  args: [POLICY_ARG],
  connects: true,
  examples: ["foghorn policy delete checkout", "foghorn policy delete old-policy --json"],
  async run(ctx) {
    const name = ctx.args.arg("NAME");
    await ctx.api().request<unknown>("DELETE", policyPath(name));
    ctx.out.result({ name, deleted: true }, () => ctx.out.print(`Deleted escalation policy ${name}.`));
    return 0;
  },
};

export const policyGroup: CommandGroup = {
  kind: "group",
  name: "policy",
  summary: "Manage escalation policies: who is paged for a service's incidents, in what order",
  description:
    "A service's incidents page its escalation policy (foghorn service set NAME --policy POLICY): level 1\n" +
    "first, then each next level when nobody acknowledged in time; acknowledging stops it.",
  children: [create, list, show, set, remove],
  examples: [
    'foghorn policy create checkout --level schedule:primary --delay 5 --level "alice,team:payments"',
    "foghorn policy show checkout",
    "foghorn service set checkout --policy checkout",
  ],
};
