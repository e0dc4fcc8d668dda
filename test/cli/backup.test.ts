// `foghorn backup` and `foghorn restore`: a consistent backup of a running server while writes go on,
// restored into a fresh embedded folder and into PostgreSQL with every count verified; bad files and
// non-empty targets refused with one readable line and nothing changed.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { type Database, openDb } from "#store/db.ts";
import { executeRows, toInt } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { seedIncidentRequest } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, tempDir } from "./run-cli.ts";

type Json = Record<string, unknown>;

/** An embedded data folder holding a migrated, empty database (from the test template: no initdb). */
async function freshDataDir(): Promise<string> {
  const template = await openTestDb("pglite");
  const dump = await (template.db as unknown as { $client: PGlite }).$client.dumpDataDir("none");
  await template.close();
  const dir = tempDir("foghorn-restore-");
  const folder = await openDb({ dataDir: dir, pgliteLoad: dump });
  await folder.close();
  return dir;
}

async function count(database: Database, table: string): Promise<number> {
  const [row] = await executeRows(database.db, sql.raw(`select count(*) as n from ${table}`));
  return toInt(row?.n);
}

async function withFolder<T>(dir: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDb({ dataDir: dir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

function oneLine(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.startsWith("foghorn: "));
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  return lines[0] as string;
}

const backends = await testBackends();
const postgres = backends.find((b) => b.kind === "postgres");

for (const backend of backends) {
  describe(`foghorn backup and restore (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const dir = tempDir("foghorn-backup-");
    const file = join(dir, "nightly.jsonl.gz");
    let backup: Json;
    const targets: TestDatabase[] = [];
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
      for (let i = 0; i < 5; i++) {
        const res = await foghorn.api("/api/v1/incidents", {
          body: seedIncidentRequest({ title: `Before ${i}` }),
        });
        assert.equal(res.status, 201, await res.text());
      }
    });
    after(async () => {
      await foghorn?.close();
      for (const t of targets) await t.close();
    });

    test("backup from the running server while incidents keep being declared", async () => {
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          const res = await foghorn.api("/api/v1/incidents", {
            body: seedIncidentRequest({ title: `During ${written}` }),
          });
          assert.equal(res.status, 201, await res.text());
          written++;
        }
      })();
      // Embedded: the server holds the folder, so the CLI asks it. PostgreSQL: a snapshot read directly.
      const env: Record<string, string> =
        backend.kind === "pglite"
          ? { FOGHORN_URL: foghorn.url, FOGHORN_TOKEN: foghorn.token }
          : { DATABASE_URL: foghorn.database.url as string };
      const args =
        backend.kind === "pglite" ? ["backup", file, "--from-server", "--json"] : ["backup", file, "--json"];
      const result = await cli(args, { env });
      writing = false;
      await writer;
      assert.equal(result.code, 0, result.stderr);
      backup = JSON.parse(result.stdout) as Json;
      assert.equal(backup.source, backend.kind === "pglite" ? "server" : "storage");
      const tables = backup.tables as { name: string; rows: number }[];
      const incidents = tables.find((t) => t.name === "incidents")?.rows ?? 0;
      assert.ok(incidents >= 5, `the backup holds ${incidents} incidents`);
      assert.ok(written > 0, "writes went on during the backup");
      // The header's counts are the file's: restore re-checks them line by line.
      const lines = gunzipSync(readFileSync(file)).toString("utf8").trim().split("\n");
      const header = JSON.parse(lines[0] as string) as Json;
      assert.equal(header.format, "foghorn-backup");
      assert.equal((header.schema as Json).latest, (backup.schema as Json).latest);
      assert.equal(lines.filter((l) => l.startsWith('{"t":"incidents"')).length, incidents);
    });

    // Each backup is restored into the other storage: PGlite → PostgreSQL and PostgreSQL → a fresh folder.
    test(`restore into ${backend.kind === "pglite" ? "PostgreSQL" : "a fresh embedded folder"}: every count matches, numbering continues`, {
      skip: postgres?.skip ?? !postgres,
    }, async () => {
      const tables = backup.tables as { name: string; rows: number }[];
      const incidents = tables.find((t) => t.name === "incidents")?.rows;
      let env: Record<string, string>;
      let check: <T>(fn: (db: Database) => Promise<T>) => Promise<T>;
      if (backend.kind === "pglite") {
        const target = await openTestDb("postgres");
        targets.push(target);
        env = { DATABASE_URL: target.url as string };
        check = (fn) => fn(target);
      } else {
        const folder = await freshDataDir();
        env = { FOGHORN_DATA_DIR: folder };
        check = (fn) => withFolder(folder, fn);
      }
      const result = await cli(["restore", file, "--json"], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /incidents: \d+\/\d+ rows/);
      assert.deepEqual((JSON.parse(result.stdout) as Json).tables, backup.tables);

      // The same target again: not empty, so refused without --force.
      const again = await cli(["restore", file], { env });
      assert.equal(again.code, 1);
      assert.match(oneLine(again.stderr), /is not empty \(incidents: \d+ rows.*\); pass --force/);
      if (backend.kind === "pglite") {
        const forced = await cli(["restore", file, "--force"], { env });
        assert.equal(forced.code, 0, forced.stderr);
        assert.match(forced.stdout, /every count matches the backup/);
      }
      await check(async (db) => {
        for (const t of tables) assert.equal(await count(db, `"${t.name}"`), t.rows, t.name);
        assert.equal(await count(db, "incidents"), incidents);
        const [row] = await executeRows(
          db.db,
          sql`select (select max(number) from incidents) as max, nextval('incident_number_seq') as next`,
        );
        assert.ok(toInt(row?.next) > toInt(row?.max), "the next incident number follows the restored ones");
      });
    });

    test("a damaged, foreign or missing file fails with one readable line and changes nothing", async () => {
      const whole = readFileSync(file);
      const cut = join(dir, "cut.jsonl.gz");
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      const foreign = join(dir, "notes.txt");
      writeFileSync(foreign, "just some notes\n");
      const noEnd = join(dir, "no-end.jsonl.gz");
      const text = gunzipSync(whole).toString("utf8").trim().split("\n");
      writeFileSync(noEnd, gzipSync(`${text.slice(0, -1).join("\n")}\n`));
      const cases: [string, RegExp][] = [
        [cut, /is (damaged|incomplete)/],
        [foreign, /damaged: it is not valid gzip data|not a Foghorn backup/],
        [noEnd, /is incomplete: .*without its end marker/],
        [join(dir, "missing.jsonl.gz"), /missing\.jsonl\.gz: no such file/],
      ];
      // The targets: the running server's own storage (its counts must not move) and a folder not yet made.
      const folder = join(tempDir(), "never-made");
      const env: Record<string, string> =
        backend.kind === "pglite"
          ? { FOGHORN_DATA_DIR: folder }
          : { DATABASE_URL: foghorn.database.url as string };
      const before = await count(foghorn.database, "incidents");
      for (const [path, message] of cases) {
        const result = await cli(["restore", path, "--force"], { env });
        assert.equal(result.code, 1, `${path}: ${result.stderr}`);
        assert.match(oneLine(result.stderr), message);
        assert.equal(result.stdout, "");
      }
      assert.equal(existsSync(folder), false, "the target folder was not even created");
      assert.equal(await count(foghorn.database, "incidents"), before);
    });
  });
}

describe("foghorn backup and restore: help and usage", () => {
  test("--help explains where the data is read and how to restore", async () => {
    const help = await cli(["backup", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /one snapshot/);
    assert.match(help.stdout, /foghorn restore FILE/);
    const restore = await cli(["restore", "--help"]);
    assert.match(restore.stdout, /--force/);
    assert.match(restore.stdout, /one transaction/);
  });

  test("a backup of a folder that holds no database says so", async () => {
    const result = await cli(["backup", "out.jsonl.gz"], { env: { FOGHORN_DATA_DIR: tempDir() } });
    assert.equal(result.code, 1);
    assert.match(oneLine(result.stderr), /there is no Foghorn database in .*nothing to back up/);
  });
});
