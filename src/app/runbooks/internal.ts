import { randomUUID } from "node:crypto";
import { outlineRunbook } from "#domain/runbook/format.ts";
import type { Db } from "#store/db.ts";
import {
  insertRunbook,
  insertRunbookVersion,
  lockRunbookByServiceId,
  type RunbookRow,
  updateRunbook,
} from "#store/runbooks.ts";
import type { ServiceRow } from "#store/services.ts";
import { AppError } from "../errors.ts";

// What the runbook verbs share: the view, and the one place a runbook text is written.

export type SaveOutcome = "created" | "updated" | "unchanged";

/** A runbook as the API shows it, with the format warnings of its current text. */
export function runbookView(service: string, row: RunbookRow) {
  return {
    service,
    title: row.title,
    body: row.body,
    version: row.version,
    source: row.source,
    created_at: row.createdAt.toISOString(),
    updated_by: row.updatedBy,
    updated_at: row.updatedAt.toISOString(),
    warnings: outlineRunbook(row.body).warnings,
  };
}
export type RunbookView = ReturnType<typeof runbookView>;

export interface RunbookText {
  /** Given explicitly; else the `# Runbook: X` title of the body; else the service name. */
  title?: string | undefined;
  body: string;
  source: string;
}

/** The title a text is saved under. */
export function titleOf(service: ServiceRow, text: RunbookText): string {
  return (text.title ?? outlineRunbook(text.body).title ?? service.name).slice(0, 200);
}

/**
 * Saves a runbook text inside the caller's transaction: version 1 for a new runbook, else the current
 * version + 1, and the text also goes to runbook_versions so every saved text is kept. The same title and
 * body as the current version write nothing. `expectedVersion` (0: "there was none") turns a save made
 * on top of an older version into CONFLICT.
 */
export async function writeRunbook(
  tx: Db,
  service: ServiceRow,
  text: RunbookText,
  actor: string,
  now: Date,
  expectedVersion?: number,
): Promise<{ row: RunbookRow; outcome: SaveOutcome }> {
  const title = titleOf(service, text);
  let current = await lockRunbookByServiceId(tx, service.id);
  if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion) {
    const who = current ? ` (version ${current.version}, saved by ${current.updatedBy})` : "";
    throw new AppError(
      "CONFLICT",
      `The runbook of ${service.name} changed since you opened version ${expectedVersion}${who}; ` +
        "reload it, merge your changes and save again",
      [{ field: "expected_version", message: `the current version is ${current?.version ?? 0}` }],
      { current_version: current?.version ?? 0 },
    );
  }
  if (current && current.title === title && current.body === text.body)
    return { row: current, outcome: "unchanged" };
  if (!current) {
    const created = await insertRunbook(tx, {
      id: randomUUID(),
      serviceId: service.id,
      title,
      body: text.body,
      version: 1,
      source: text.source,
      createdAt: now,
      updatedBy: actor,
      updatedAt: now,
    });
    if (created) {
      await insertRunbookVersion(tx, {
        runbookId: created.id,
        version: 1,
        title,
        body: text.body,
        savedBy: actor,
        savedAt: now,
      });
      return { row: created, outcome: "created" };
    }
    // Another save created it between our read and insert: save on top of it as a new version.
    current = await lockRunbookByServiceId(tx, service.id);
    if (!current) throw new Error(`runbook of service ${service.id} neither inserted nor found`);
  }
  const version = current.version + 1;
  const row = await updateRunbook(tx, current.id, {
    title,
    body: text.body,
    version,
    source: text.source,
    updatedBy: actor,
    updatedAt: now,
  });
  await insertRunbookVersion(tx, {
    runbookId: current.id,
    version,
    title,
    body: text.body,
    savedBy: actor,
    savedAt: now,
  });
  return { row, outcome: "updated" };
}
