/**
 * The status page snapshot on disk: one JSON file, `<dir>/snapshot.json`, replaced atomically (written to a
 * temporary file beside it, flushed, then renamed over it), so a crash mid-write leaves the previous one.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { SnapshotStore, StoredSnapshot } from "#app/ports.ts";

export const SNAPSHOT_FILE = "snapshot.json";

export function createFsSnapshotStore(dir: string): SnapshotStore & { readonly file: string } {
  const file = join(dir, SNAPSHOT_FILE);
  return {
    file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
      const parsed = JSON.parse(text) as StoredSnapshot;
      if (parsed?.version !== 1 || typeof parsed.generatedAt !== "string" || !parsed.sites)
        throw new Error(`${file} is not a status page snapshot`);
      return parsed;
    },
    async save(snapshot) {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${SNAPSHOT_FILE}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        const handle = await open(temp, "w", 0o644);
        try {
          await handle.writeFile(JSON.stringify(snapshot));
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}
