import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { AppError } from "#app/errors.ts";
import type { ApiRegistry } from "../openapi.ts";

/**
 * Writes a consistent backup of the whole database to a file (store/backup-file.ts writeBackupFile, wired
 * by main.ts: http does not speak SQL). The snapshot transaction lasts only as long as writing the local
 * file; the (maybe slow) download happens after it is over, so PGlite's one connection is not held by it.
 */
export interface BackupSource {
  write(path: string): Promise<unknown>;
}

/** `POST /api/v1/admin/backup`: what `foghorn backup` asks a running server for (PGlite's folder is locked). */
export function registerBackupRoutes(app: FastifyInstance, api: ApiRegistry, source?: BackupSource): void {
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/admin/backup",
      access: "admin",
      tag: "Account",
      summary: "Download a consistent backup of every table (admin only; see docs/operations.md)",
      description:
        "Reads every table in one snapshot transaction and answers the backup file `foghorn restore` loads: " +
        "gzipped JSON Lines with a header (format, Foghorn version, schema migration, row counts per table).",
      success: 200,
      produces: "application/gzip",
      responseDescription: "The backup file (gzip)",
    },
    async (_req, ctx, reply) => {
      if (!source) throw new AppError("UNAVAILABLE", "This server was started without backups enabled");
      const dir = mkdtempSync(join(tmpdir(), "foghorn-backup-"));
      const file = join(dir, "backup.jsonl.gz");
      try {
        await source.write(file);
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      const stamp = ctx.clock.now().toISOString().replace(/[:.]/g, "-");
      const stream = createReadStream(file);
      stream.on("close", () => rmSync(dir, { recursive: true, force: true }));
      reply
        .type("application/gzip")
        .header("content-disposition", `attachment; filename="foghorn-backup-${stamp}.jsonl.gz"`);
      return stream;
    },
  );
}
