import { eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import type { IncidentInsert, IncidentRow } from "./incidents.ts";
import type { ActionItemRow } from "./records.ts";
import { actionItems, incidents } from "./schema/index.ts";

// The links between platform records and the outside: action items ↔ GitHub issues, incidents ↔ the
// markdown folders they were imported from.

/** Action items filed as issue `number` in any repository (the caller compares the repository name). */
export async function findActionItemsByIssueNumber(db: Db, number: number): Promise<ActionItemRow[]> {
  return db.select().from(actionItems).where(eq(actionItems.issueNumber, number));
}

/** The incident imported from this markdown folder (incidents.source_ref), if any. */
export async function findIncidentBySourceRef(db: Db, sourceRef: string): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.sourceRef, sourceRef));
  return row;
}

/**
 * Inserts an imported incident unless one was already imported from the same folder (source_ref is
 * unique): undefined then, and nothing is written, so a concurrent second import creates nothing.
 */
export async function insertImportedIncident(db: Db, row: IncidentInsert): Promise<IncidentRow | undefined> {
  const [inserted] = await db
    .insert(incidents)
    .values(row)
    .onConflictDoNothing({ target: incidents.sourceRef })
    .returning();
  return inserted;
}
