import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type EscalationLevel, policyWarnings } from "#domain/escalation/policy.ts";
import { withTransaction } from "#store/db.ts";
import {
  deleteEscalationPolicy,
  type EscalationPolicyRow,
  findEscalationPolicy,
  insertEscalationPolicy,
  listEscalationPolicies,
  listServicesByPolicy,
  lockEscalationPolicy,
  updateEscalationPolicy,
} from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import {
  assertCanManageOwned,
  description,
  directoryName,
  invalidInput,
  iso,
  loadTargetFacts,
  nameTaken,
  owningTeamInput,
  resolveOwningTeam,
  resolveTargetNames,
  storedTargets,
  type TargetFacts,
  targetInput,
  targetView,
  teamNamesById,
} from "./internal.ts";
import { scheduleProblemsNow } from "./schedule-facts.ts";

// Escalation policies: ordered levels of targets; a service's incidents page by its policy.

const levelInput = z
  .object({
    delay_minutes: z
      .number({ error: "must be a whole number of minutes, 1–1440" })
      .int({ error: "must be a whole number of minutes, 1–1440" })
      .min(1, { error: "must be 1–1440 minutes" })
      .max(1440, { error: "must be 1–1440 minutes" })
      .nullable()
      .optional()
      .describe(
        "Minutes to wait for an acknowledgement before the next level; omitted: the severity's ack target",
      ),
    round_robin: z.boolean().optional().describe("Page one target per escalation, in turn, instead of all"),
    targets: z.array(targetInput).max(20, { error: "at most 20 targets per level" }),
  })
  .strict();

const repeat = z
  .number({ error: "must be a whole number 0–9" })
  .int({ error: "must be a whole number 0–9" })
  .min(0, { error: "must be 0–9" })
  .max(9, { error: "must be 0–9" })
  .describe("How many more times the whole policy runs after its last level");

const levels = z.array(levelInput).max(20, { error: "at most 20 levels" });

export const CreatePolicyInput = z
  .object({
    name: directoryName,
    description: description.optional(),
    repeat: repeat.default(0),
    levels,
    team: owningTeamInput,
  })
  .strict();

export const UpdatePolicyInput = z
  .object({
    name: directoryName.optional(),
    description: description.optional(),
    repeat: repeat.optional(),
    levels: levels.optional(),
    team: owningTeamInput,
  })
  .strict();

/** Turns level inputs into stored levels, every unknown target a field error (`levels.1.targets.0.name`). */
async function resolveLevels(ctx: AppContext, input: z.output<typeof levels>): Promise<EscalationLevel[]> {
  const flat = input.flatMap((level, i) =>
    level.targets.map((target, j) => ({ path: `levels.${i}.targets.${j}`, target, level: i })),
  );
  const { targets, errors } = await resolveTargetNames(ctx.db, flat);
  if (errors.length) throw invalidInput(errors);
  return input.map((level, i) => ({
    delayMinutes: level.delay_minutes ?? null,
    roundRobin: level.round_robin ?? false,
    targets: targets.filter((_, k) => flat[k]?.level === i),
  }));
}

/** Stored levels (JSON written by this module). */
export function storedLevels(value: unknown): EscalationLevel[] {
  if (!Array.isArray(value)) return [];
  return value.map((l) => ({
    delayMinutes: typeof l?.delayMinutes === "number" ? l.delayMinutes : null,
    roundRobin: l?.roundRobin === true,
    targets: storedTargets(l?.targets),
  }));
}

function policyView(
  row: EscalationPolicyRow,
  facts: TargetFacts,
  services: readonly string[],
  team: string | null,
) {
  const spec = { repeat: row.repeat, levels: storedLevels(row.levels) };
  const targetWarnings = spec.levels.flatMap((level, i) =>
    level.targets.flatMap((t) => facts.problems(t).map((p) => `level ${i + 1}: ${p}`)),
  );
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    /** The owning team's name; null: none (any manager may change it). */
    team,
    repeat: row.repeat,
    levels: spec.levels.map((level, i) => ({
      level: i + 1,
      delay_minutes: level.delayMinutes,
      round_robin: level.roundRobin,
      targets: level.targets.map((t) => targetView(t, facts)),
    })),
    services: [...services],
    warnings: [...policyWarnings(spec), ...targetWarnings],
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

async function viewsOf(ctx: AppContext, rows: readonly EscalationPolicyRow[]) {
  const targets = rows.flatMap((r) => storedLevels(r.levels).flatMap((l) => l.targets));
  const facts = await loadTargetFacts(ctx.db, targets, await scheduleProblemsNow(ctx));
  const services = await listServicesByPolicy(ctx.db);
  const teams = await teamNamesById(
    ctx,
    rows.map((r) => r.teamId),
  );
  return rows.map((r) =>
    policyView(r, facts, services.get(r.id) ?? [], r.teamId ? (teams.get(r.teamId) ?? null) : null),
  );
}

/** A policy by name or id; NOT_FOUND naming where to look. */
export async function loadPolicy(ctx: AppContext, ref: string): Promise<EscalationPolicyRow> {
  const row = await findEscalationPolicy(ctx.db, ref);
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Escalation policy "${ref}" does not exist; see GET /api/v1/escalation-policies (foghorn policy list)`,
    );
  return row;
}

/** Every escalation policy, by name. */
export async function listPolicies(ctx: AppContext) {
  return { items: await viewsOf(ctx, await listEscalationPolicies(ctx.db)) };
}

/** One policy with its targets by name, the services that use it and what keeps it from paging anyone. */
export async function getPolicy(ctx: AppContext, ref: string) {
  const [view] = await viewsOf(ctx, [await loadPolicy(ctx, ref)]);
  if (!view) throw new Error("policy view missing");
  return view;
}

/** Creates a policy; target names are resolved to ids here, so renaming a team keeps the policy right. */
export async function createPolicy(ctx: AppContext, input: unknown) {
  const req = parseInput(CreatePolicyInput, input);
  const resolved = await resolveLevels(ctx, req.levels);
  const team = await resolveOwningTeam(ctx, req.team);
  const now = ctx.clock.now();
  const row = await insertEscalationPolicy(ctx.db, {
    id: randomUUID(),
    name: req.name,
    teamId: team?.id ?? null,
    description: req.description ?? "",
    repeat: req.repeat,
    levels: resolved,
    createdAt: now,
    updatedAt: now,
  });
  if (!row) throw nameTaken("Escalation policy", req.name);
  ctx.log.info({ policy: row.name, by: ctx.actor.name }, "escalation policy created");
  return getPolicy(ctx, row.id);
}

/** Changes a policy; `levels`, when given, replaces all levels. */
export async function updatePolicy(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(UpdatePolicyInput, input);
  const policy = await loadPolicy(ctx, ref);
  await assertCanManageOwned(ctx, policy.teamId, `Escalation policy ${policy.name}`);
  const team = await resolveOwningTeam(ctx, req.team);
  const resolved = req.levels ? await resolveLevels(ctx, req.levels) : undefined;
  await withTransaction(ctx.db, async (tx) => {
    if (req.name !== undefined) {
      const other = await findEscalationPolicy(tx, req.name);
      if (other && other.id !== policy.id) throw nameTaken("Escalation policy", req.name);
    }
    await updateEscalationPolicy(tx, policy.id, {
      ...(req.name !== undefined ? { name: req.name } : {}),
      ...(req.description !== undefined ? { description: req.description } : {}),
      ...(req.repeat !== undefined ? { repeat: req.repeat } : {}),
      ...(resolved ? { levels: resolved } : {}),
      ...(team !== undefined ? { teamId: team?.id ?? null } : {}),
      updatedAt: ctx.clock.now(),
    });
  });
  return getPolicy(ctx, policy.id);
}

/** Deletes a policy; refused (naming them) while services use it. */
export async function removePolicy(ctx: AppContext, ref: string): Promise<void> {
  const policy = await loadPolicy(ctx, ref);
  await assertCanManageOwned(ctx, policy.teamId, `Escalation policy ${policy.name}`);
  await withTransaction(ctx.db, async (tx) => {
    // Locked first, so a service being pointed at the policy meanwhile is either seen here or waits.
    if (!(await lockEscalationPolicy(tx, policy.id))) return;
    const services = (await listServicesByPolicy(tx)).get(policy.id) ?? [];
    if (services.length)
      throw new AppError(
        "CONFLICT",
        `Escalation policy ${policy.name} is used by services ${services.join(", ")}; point them at another ` +
          `policy first (foghorn service set ${services[0]} --policy OTHER, or --policy none)`,
        [],
        { services },
      );
    await deleteEscalationPolicy(tx, policy.id);
  });
  ctx.log.info({ policy: policy.name, by: ctx.actor.name }, "escalation policy deleted");
}
