import { type Db, isTransaction } from "./db.ts";
import { type DeclaredIncident, insertDeclaredIncidents } from "./incidents.ts";

// Coalesces concurrent declares into one statement. PGlite runs every statement on the main thread and
// a 4-table CTE costs ~1.5 ms however many rows it carries, so 16 concurrent declares written together
// cost little more than one (bench/README.md). PostgreSQL gains too: one commit instead of sixteen.

const MAX_BATCH = 256;

interface Pending {
  declared: DeclaredIncident;
  resolve(number: number): void;
  reject(error: unknown): void;
}

class DeclareBatcher {
  #queue: Pending[] = [];
  #busy = false;

  constructor(private readonly db: Db) {}

  add(declared: DeclaredIncident): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ declared, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, MAX_BATCH);
    try {
      const numbers = await insertDeclaredIncidents(
        this.db,
        batch.map((p) => p.declared),
      );
      for (const [i, p] of batch.entries()) p.resolve(numbers[i] ?? 0);
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      // One bad row must not fail its neighbours: retry each alone so each caller gets its own answer.
      else
        await Promise.all(
          batch.map((p) =>
            insertDeclaredIncidents(this.db, [p.declared]).then(([n]) => p.resolve(n ?? 0), p.reject),
          ),
        );
    }
    if (this.#queue.length) setImmediate(() => void this.#flush());
    else this.#busy = false;
  }
}

const batchers = new WeakMap<Db, DeclareBatcher>();

/**
 * Inserts one declared incident (see insertDeclaredIncidents) and returns its number. Outside a
 * transaction, concurrent calls on the same database share one statement; inside one, it runs alone.
 */
export function insertDeclaredIncident(db: Db, declared: DeclaredIncident): Promise<number> {
  if (isTransaction(db)) return insertDeclaredIncidents(db, [declared]).then(([n]) => n ?? 0);
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new DeclareBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher.add(declared);
}
