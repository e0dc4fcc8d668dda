import { randomUUID } from "node:crypto";
import { z } from "zod";
import { describeRule } from "#domain/escalation/rules.ts";
import { parseSeverity, SEVERITIES } from "#domain/incident/severity.ts";
import { withTransaction } from "#store/db.ts";
import {
  deleteEscalationRule,
  type EscalationRuleRow,
  findEscalationRule,
  insertEscalationRule,
  listEscalationRules,
  updateEscalationRule,
} from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { severityInput, tagName } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import {
  directoryName,
  invalidInput,
  iso,
  loadTargetFacts,
  nameTaken,
  resolveTargetNames,
  storedTargets,
  type TargetFacts,
  targetInput,
  targetView,
} from "./internal.ts";
import { scheduleProblemsNow } from "./schedule-facts.ts";

// Escalation rules (seed 003's matrix): "SEV1 unresolved for 30 min → the engineering managers",
// "tag data-breach → legal". The engine evaluates them on open incidents; this is their configuration.

const unresolvedMinutes = z
  .number({ error: "must be a whole number of minutes, 1–10080" })
  .int({ error: "must be a whole number of minutes, 1–10080" })
  .min(1, { error: "must be 1–10080 minutes (a week)" })
  .max(10080, { error: "must be 1–10080 minutes (a week)" })
  .nullable()
  .describe("Fire once the incident has been unresolved this long; null or omitted: as soon as it matches");

const severities = z.array(severityInput).max(4).describe("Empty or omitted: any severity");
const tags = z.array(tagName).max(20).describe("Empty or omitted: any tags; else at least one of them");
const targets = z.array(targetInput).min(1, { error: "name at least one target" }).max(20);

export const CreateEscalationRuleInput = z
  .object({
    name: directoryName,
    severities: severities.optional(),
    tags: tags.optional(),
    unresolved_minutes: unresolvedMinutes.optional(),
    targets,
    enabled: z.boolean().optional(),
  })
  .strict();

export const UpdateEscalationRuleInput = z
  .object({
    name: directoryName.optional(),
    severities: severities.optional(),
    tags: tags.optional(),
    unresolved_minutes: unresolvedMinutes.optional(),
    targets: targets.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** Severity spellings (SEV1, critical, P1) in the configured scheme → SEV1..SEV4, every bad one a field error. */
function toSeverities(
  ctx: AppContext,
  values: readonly string[],
): { values: string[]; errors: FieldError[] } {
  const out: string[] = [];
  const errors: FieldError[] = [];
  values.forEach((v, i) => {
    const parsed = parseSeverity(v, ctx.policy.priorityScheme);
    if (parsed.ok) out.push(parsed.severity);
    else errors.push({ field: `severities.${i}`, message: `must be one of ${parsed.accepted.join(", ")}` });
  });
  return { values: SEVERITIES.filter((s) => out.includes(s)), errors };
}

type RuleChanges = Partial<
  Pick<EscalationRuleRow, "name" | "severities" | "tags" | "unresolvedMinutes" | "targets" | "enabled">
>;

/** Checks and resolves whatever the input gives (severity aliases, target names) to stored values. */
async function ruleChanges(
  ctx: AppContext,
  req: z.output<typeof UpdateEscalationRuleInput>,
): Promise<RuleChanges> {
  const sev = toSeverities(ctx, req.severities ?? []);
  const resolved = await resolveTargetNames(
    ctx.db,
    (req.targets ?? []).map((target, i) => ({ path: `targets.${i}`, target })),
  );
  const errors = [...sev.errors, ...resolved.errors];
  if (errors.length) throw invalidInput(errors);
  return {
    ...(req.name !== undefined ? { name: req.name } : {}),
    ...(req.severities !== undefined ? { severities: sev.values } : {}),
    ...(req.tags !== undefined ? { tags: [...new Set(req.tags)] } : {}),
    ...(req.unresolved_minutes !== undefined ? { unresolvedMinutes: req.unresolved_minutes } : {}),
    ...(req.targets !== undefined ? { targets: resolved.targets } : {}),
    ...(req.enabled !== undefined ? { enabled: req.enabled } : {}),
  };
}

function ruleView(row: EscalationRuleRow, facts: TargetFacts) {
  const spec = { severities: row.severities, tags: row.tags, unresolvedMinutes: row.unresolvedMinutes };
  const stored = storedTargets(row.targets);
  const warnings = stored.flatMap((t) => facts.problems(t));
  if (stored.length === 0) warnings.unshift("the rule has no targets: it notifies no one");
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    severities: row.severities,
    tags: row.tags,
    unresolved_minutes: row.unresolvedMinutes,
    condition: describeRule(spec),
    targets: stored.map((t) => targetView(t, facts)),
    warnings,
    created_at: iso(row.createdAt),
  };
}

async function viewsOf(ctx: AppContext, rows: readonly EscalationRuleRow[]) {
  const all = rows.flatMap((r) => storedTargets(r.targets));
  const facts = await loadTargetFacts(ctx.db, all, await scheduleProblemsNow(ctx));
  return rows.map((r) => ruleView(r, facts));
}

async function loadRule(ctx: AppContext, ref: string): Promise<EscalationRuleRow> {
  const row = await findEscalationRule(ctx.db, ref);
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Escalation rule "${ref}" does not exist; see GET /api/v1/escalation-rules (foghorn escalation-rule list)`,
    );
  return row;
}

/** Every escalation rule, by name. */
export async function listRules(ctx: AppContext) {
  return { items: await viewsOf(ctx, await listEscalationRules(ctx.db)) };
}

/** One rule with its condition in words ("SEV1, unresolved for 30 min") and its targets by name. */
export async function getRule(ctx: AppContext, ref: string) {
  const [view] = await viewsOf(ctx, [await loadRule(ctx, ref)]);
  if (!view) throw new Error("rule view missing");
  return view;
}

/** Creates a rule; severity spellings and target names are resolved here, every problem at once. */
export async function createRule(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateEscalationRuleInput, input);
  const changes = await ruleChanges(ctx, req);
  const row = await insertEscalationRule(ctx.db, {
    id: randomUUID(),
    name: req.name,
    enabled: req.enabled ?? true,
    severities: changes.severities ?? [],
    tags: changes.tags ?? [],
    unresolvedMinutes: changes.unresolvedMinutes ?? null,
    targets: changes.targets ?? [],
    createdAt: ctx.clock.now(),
  });
  if (!row) throw nameTaken("Escalation rule", req.name);
  ctx.log.info({ rule: row.name, by: ctx.actor.name }, "escalation rule created");
  return getRule(ctx, row.id);
}

/** Changes a rule; each field given replaces the stored one (`enabled: false` pauses it). */
export async function updateRule(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(UpdateEscalationRuleInput, input);
  const rule = await loadRule(ctx, ref);
  const changes = await ruleChanges(ctx, req);
  await withTransaction(ctx.db, async (tx) => {
    if (req.name !== undefined) {
      const other = await findEscalationRule(tx, req.name);
      if (other && other.id !== rule.id) throw nameTaken("Escalation rule", req.name);
    }
    if (Object.keys(changes).length) await updateEscalationRule(tx, rule.id, changes);
  });
  return getRule(ctx, rule.id);
}

/** Deletes a rule. */
export async function removeRule(ctx: AppContext, ref: string): Promise<void> {
  const rule = await loadRule(ctx, ref);
  await deleteEscalationRule(ctx.db, rule.id);
  ctx.log.info({ rule: rule.name, by: ctx.actor.name }, "escalation rule deleted");
}
