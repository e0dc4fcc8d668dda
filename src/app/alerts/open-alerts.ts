import type { KnownMember } from "#domain/alert/group.ts";
import { alertKey, alertVersions, findOpenAlerts, type WorkingAlert } from "#store/alerts.ts";
import type { Db } from "#store/db.ts";

/**
 * The open alerts the processor last wrote, kept per process so a repeat does not read its alert back.
 *
 * During an alert storm most events repeat an open alert: reading it and its group members back was the
 * largest statement of a batch (bench/README.md). Each entry holds the alert as written, its members and its
 * row version (xmin, the writing transaction: store/alerts.ts rowVersion). A batch asks only for the current
 * versions of its cached alerts, one narrow index probe each, and reads in full only those whose version
 * moved (written since by anyone: an acknowledgement in the API, another replica's processor, a resolve by
 * hand) or that it does not hold. A stale entry therefore costs a read, never a wrong answer.
 *
 * Entries change only after the batch that wrote them committed (a rolled-back batch leaves them as they
 * were, which is still what the database holds).
 */
export interface OpenAlert {
  /** Without content (details, links, images): a batch reads or sets those only when an event replaces them. */
  alert: WorkingAlert;
  members: readonly KnownMember[];
  version: string;
}

/**
 * Enough for the open groups of a large Alertmanager fleet, at well under 1 KB each (no content); beyond it
 * the entries written longest ago go first, and their alerts are read again when they repeat.
 */
const MAX_ENTRIES = 20_000;

const caches = new WeakMap<object, Map<string, OpenAlert>>();

function cacheOf(db: object): Map<string, OpenAlert> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

export const openAlertKey = alertKey;

/**
 * The open alerts of these keys, each a fresh copy the caller may change: from the cache where its version is
 * still the database's, else read. `cacheDb` names the cache (the process's database handle); `tx` reads.
 */
export async function readOpenAlerts(
  cacheDb: object,
  tx: Db,
  keys: readonly { sourceId: string; dedupKey: string }[],
): Promise<OpenAlert[]> {
  const cache = cacheOf(cacheDb);
  const unique = new Map(keys.map((k) => [openAlertKey(k.sourceId, k.dedupKey), k]));
  const held: [string, OpenAlert][] = [];
  const toRead: { sourceId: string; dedupKey: string }[] = [];
  for (const [key, k] of unique) {
    const entry = cache.get(key);
    if (entry) held.push([key, entry]);
    else toRead.push(k);
  }
  const found: OpenAlert[] = [];
  if (held.length > 0) {
    const current = await alertVersions(
      tx,
      held.map(([, e]) => e.alert.id),
    );
    for (const [key, entry] of held) {
      if (current.get(entry.alert.id) === entry.version)
        found.push({
          alert: { ...entry.alert },
          members: entry.members,
          version: entry.version,
        });
      else {
        cache.delete(key);
        toRead.push(unique.get(key) as { sourceId: string; dedupKey: string });
      }
    }
  }
  if (toRead.length > 0)
    for (const { members, version, ...alert } of await findOpenAlerts(tx, toRead))
      found.push({
        alert,
        members: members.map(([fingerprint, status, digest]) => ({
          fingerprint,
          status: status === "resolved" ? "resolved" : "firing",
          digest,
        })),
        version,
      });
  return found;
}

/**
 * Records what a committed batch wrote: `open` replaces the entries of its keys (content dropped), `closed`
 * keys are forgotten (resolved, or written in a way whose version is not known).
 */
export function rememberOpenAlerts(
  cacheDb: object,
  open: readonly OpenAlert[],
  closed: Iterable<string>,
): void {
  const cache = cacheOf(cacheDb);
  for (const key of closed) cache.delete(key);
  for (const entry of open) {
    const { details: _d, links: _l, images: _i, ...alert } = entry.alert;
    const key = openAlertKey(alert.sourceId, alert.dedupKey);
    cache.delete(key); // re-inserted last: the Map's order is the eviction order
    cache.set(key, { alert, members: entry.members, version: entry.version });
  }
  if (cache.size > MAX_ENTRIES) {
    let excess = cache.size - MAX_ENTRIES;
    for (const key of cache.keys()) {
      if (excess-- <= 0) break;
      cache.delete(key);
    }
  }
}
