import { z } from "zod";
import { serviceFromFileName } from "#domain/runbook/file-name.ts";
import { outlineRunbook } from "#domain/runbook/format.ts";
import { withTransaction } from "#store/db.ts";
import { findRunbookByServiceId } from "#store/runbooks.ts";
import { ensureServicesByName, findServicesByName } from "#store/services.ts";
import type { AppContext } from "../context.ts";
import { parseInput } from "../validation.ts";
import { titleOf, writeRunbook } from "./internal.ts";
import { MAX_RUNBOOK_LENGTH } from "./save.ts";

export const ImportRunbooksInput = z
  .object({
    files: z
      .array(
        z
          .object({
            name: z
              .string()
              .trim()
              .min(1, { error: "must be the file name, e.g. checkout-runbook.md" })
              .max(300),
            text: z.string({ error: "must be the file's text" }).max(MAX_RUNBOOK_LENGTH, {
              error: `must be at most ${MAX_RUNBOOK_LENGTH} characters`,
            }),
          })
          .strict(),
      )
      .min(1, { error: "give at least one file" })
      .max(500, { error: "at most 500 files per import" }),
    dry_run: z.boolean().default(false).describe("Report what would happen without saving anything"),
  })
  .strict();
export type ImportRunbooksInput = z.input<typeof ImportRunbooksInput>;

export type ImportResult = "created" | "updated" | "unchanged" | "skipped";

export interface ImportedFile {
  file: string;
  service: string | null;
  result: ImportResult;
  /** The runbook's version after the import (null when skipped, or for a dry run's new runbook). */
  version: number | null;
  /** Why the file was skipped. */
  reason: string | null;
  /** True when the import created the service itself. */
  service_created: boolean;
  warnings: string[];
}

/**
 * Imports runbook files named `<service>-runbook.md` (seed 001): each creates the service on first use
 * and saves a new version of its runbook; text identical to the current version is left alone; other
 * files are reported and skipped. The whole import is one transaction, so it lands completely or not at
 * all. With dry_run nothing is written and the report says what would happen.
 */
export async function importRunbooks(ctx: AppContext, input: unknown) {
  const req = parseInput(ImportRunbooksInput, input);
  const now = ctx.clock.now();
  const seen = new Map<string, string>();
  const plan = req.files.map((f) => {
    const named = serviceFromFileName(f.name);
    const skip = (reason: string) => ({ file: f.name, service: null, text: f.text, skip: reason });
    if (!named.ok) return skip(named.reason);
    if (f.text.trim() === "") return { ...skip("the file is empty"), service: named.service };
    const key = named.service.toLowerCase();
    const first = seen.get(key);
    if (first) return { ...skip(`${first} is the runbook of the same service`), service: named.service };
    seen.set(key, f.name);
    return { file: f.name, service: named.service, text: f.text, skip: null };
  });
  const names = plan.flatMap((p) => (p.skip === null && p.service ? [p.service] : []));

  const run = async (db: typeof ctx.db): Promise<ImportedFile[]> => {
    const existing = new Set((await findServicesByName(db, names)).map((s) => s.name.toLowerCase()));
    const services = req.dry_run
      ? await findServicesByName(db, names)
      : await ensureServicesByName(db, names, now);
    const byName = new Map(services.map((s) => [s.name.toLowerCase(), s]));
    const results: ImportedFile[] = [];
    for (const p of plan) {
      const base = { file: p.file, service: p.service, service_created: false, warnings: [] as string[] };
      if (p.skip !== null || !p.service) {
        results.push({ ...base, result: "skipped", version: null, reason: p.skip });
        continue;
      }
      const warnings = outlineRunbook(p.text).warnings;
      const service_created = !existing.has(p.service.toLowerCase());
      const service = byName.get(p.service.toLowerCase());
      if (!service) {
        // Dry run, new service: it would be created with version 1.
        results.push({ ...base, service_created, result: "created", version: null, reason: null, warnings });
        continue;
      }
      const text = { body: p.text, source: p.file };
      if (req.dry_run) {
        const current = await findRunbookByServiceId(db, service.id);
        const same = current && current.body === p.text && current.title === titleOf(service, text);
        results.push({
          ...base,
          service: service.name,
          service_created,
          result: !current ? "created" : same ? "unchanged" : "updated",
          version: current ? current.version + (same ? 0 : 1) : 1,
          reason: null,
          warnings,
        });
        continue;
      }
      const { row, outcome } = await writeRunbook(db, service, text, ctx.actor.name, now);
      results.push({
        ...base,
        service: service.name,
        service_created,
        result: outcome,
        version: row.version,
        reason: null,
        warnings,
      });
    }
    return results;
  };

  const files = req.dry_run ? await run(ctx.db) : await withTransaction(ctx.db, run);
  const count = (r: ImportResult) => files.filter((f) => f.result === r).length;
  return {
    dry_run: req.dry_run,
    files,
    summary: {
      created: count("created"),
      updated: count("updated"),
      unchanged: count("unchanged"),
      skipped: count("skipped"),
      warnings: files.reduce((n, f) => n + f.warnings.length, 0),
    },
  };
}
