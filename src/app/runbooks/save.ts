import { z } from "zod";
import { withTransaction } from "#store/db.ts";
import { findRunbookByServiceId, findRunbookVersion } from "#store/runbooks.ts";
import { findManagedService } from "../alerts/services.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { VersionNumber } from "./get.ts";
import { runbookView, writeRunbook } from "./internal.ts";

/** Runbooks are documents, not novels: 200 000 characters is ~50 pages. */
export const MAX_RUNBOOK_LENGTH = 200_000;

export const runbookBody = z
  .string({ error: "must be the runbook's markdown text" })
  .refine((s) => s.trim().length > 0, { error: "must not be empty" })
  .refine((s) => s.length <= MAX_RUNBOOK_LENGTH, {
    error: `must be at most ${MAX_RUNBOOK_LENGTH} characters`,
  });

const expectedVersion = z
  .number({ error: "must be the version you edited, e.g. 3 (0 when there was no runbook)" })
  .int()
  .min(0)
  .optional()
  .describe("The version the edit started from; a save on top of a newer version answers 409");

export const SaveRunbookInput = z
  .object({
    title: z.string().trim().min(1, { error: "must not be empty" }).max(200).optional(),
    body: runbookBody,
    expected_version: expectedVersion,
  })
  .strict();
export type SaveRunbookInput = z.input<typeof SaveRunbookInput>;

/**
 * Saves a service's runbook as a new version (the previous text stays in its history). Unchanged text
 * makes no new version. The answer carries the format warnings (missing sections still save).
 */
export async function saveRunbook(ctx: AppContext, serviceName: string, input: unknown, source = "api") {
  const service = await findManagedService(ctx, serviceName);
  const req = parseInput(SaveRunbookInput, input);
  const now = ctx.clock.now();
  const { row, outcome } = await withTransaction(ctx.db, (tx) =>
    writeRunbook(
      tx,
      service,
      { title: req.title, body: req.body, source },
      ctx.actor.name,
      now,
      req.expected_version,
    ),
  );
  return { ...runbookView(service.name, row), outcome };
}

export const RestoreRunbookInput = z
  .object({ version: VersionNumber, expected_version: expectedVersion })
  .strict();

/** Makes an old version's text the current one again, as a new version (history is never rewritten). */
export async function restoreRunbookVersion(ctx: AppContext, serviceName: string, input: unknown) {
  const service = await findManagedService(ctx, serviceName);
  const req = parseInput(RestoreRunbookInput, input);
  const now = ctx.clock.now();
  const { row, outcome } = await withTransaction(ctx.db, async (tx) => {
    const runbook = await findRunbookByServiceId(tx, service.id);
    const old = runbook && (await findRunbookVersion(tx, runbook.id, req.version));
    if (!runbook || !old)
      throw new AppError(
        "NOT_FOUND",
        runbook
          ? `The runbook of ${service.name} has no version ${req.version}; it has versions 1 to ${runbook.version}`
          : `Service ${service.name} has no runbook yet`,
      );
    return writeRunbook(
      tx,
      service,
      { title: old.title, body: old.body, source: `restore of version ${old.version}` },
      ctx.actor.name,
      now,
      req.expected_version,
    );
  });
  return { ...runbookView(service.name, row), outcome, restored_from: req.version };
}
