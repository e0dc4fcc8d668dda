// `foghorn status export DIR`: the whole public page as static files, from a running server and, with no
// server on this machine, from the local storage; the same files in both cases.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { postStatusUpdate } from "#app/incidents/records.ts";
import { exportFilePath } from "#cli/commands/status-export.ts";
import { migrateDb, openDb } from "#store/db.ts";
import { testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { cli, serverEnv, tempDir } from "./run-cli.ts";

function walk(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

const SITE_FILES = [
  "api/v2/components.json",
  "api/v2/incidents.json",
  "api/v2/incidents/unresolved.json",
  "api/v2/scheduled-maintenances.json",
  "api/v2/scheduled-maintenances/active.json",
  "api/v2/scheduled-maintenances/upcoming.json",
  "api/v2/status.json",
  "api/v2/summary.json",
  "history.atom",
  "history.rss",
  "index.html",
];

test("URL paths map to files any web server serves", () => {
  assert.equal(exportFilePath("/"), "index.html");
  assert.equal(exportFilePath("/incidents/abc123def456"), "incidents/abc123def456/index.html");
  assert.equal(exportFilePath("/maintenances/abc123def456"), "maintenances/abc123def456/index.html");
  assert.equal(exportFilePath("/api/v2/incidents/unresolved.json"), "api/v2/incidents/unresolved.json");
  assert.equal(exportFilePath("/history.atom"), "history.atom");
  assert.throws(() => exportFilePath("/../etc/passwd"), /unsafe path/);
});

test("--help explains what is written and gives examples", async () => {
  const r = await cli(["status", "export", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /incidents\/<id>\/index\.html/);
  assert.match(r.stdout, /foghorn status export \.\/public-status/);
  const missing = await cli(["status", "export"], { env: { FOGHORN_URL: "http://127.0.0.1:1" } });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs DIR/);
});

for (const backend of await testBackends()) {
  describe(`status export from a running server (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
      const incident = (await (
        await foghorn.api("/api/v1/incidents", {
          body: {
            title: "Webhooks delayed",
            description: "x",
            severity: "SEV3",
            affected_services: ["hooks"],
          },
        })
      ).json()) as { id: string };
      await foghorn.api(`/api/v1/incidents/${incident.id}/status-updates`, {
        body: { message: "Webhook deliveries are delayed by up to 10 minutes.", visibility: "external" },
      });
      await foghorn.statusPage.idle();
    });
    after(async () => {
      await foghorn?.close();
    });

    test("writes the page, one page per incident, the JSON and the feeds", async () => {
      const dir = join(tempDir(), "public-status");
      const r = await cli(["status", "export", dir], { env: serverEnv(foghorn) });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^Exported \d+ files \([\d.]+ KB\) to .*public-status: the page as of .*, from the server\./m,
      );
      const files = walk(dir);
      for (const f of SITE_FILES) assert.ok(files.includes(f), `${f} written`);
      const incidentPages = files.filter((f) => /^incidents\/[a-z0-9]{12}\/index\.html$/.test(f));
      assert.equal(incidentPages.length, 1);
      assert.ok(
        readFileSync(join(dir, incidentPages[0] ?? ""), "utf8").includes("Webhook deliveries are delayed"),
      );
      const summary = JSON.parse(readFileSync(join(dir, "api/v2/summary.json"), "utf8")) as {
        incidents: { name: string }[];
      };
      assert.equal(summary.incidents[0]?.name, "Webhooks delayed");
      // The files are the site as the server renders it for its status domain (base ""), path for path.
      const served = await foghorn.api("/api/v1/status-page/export");
      const body = (await served.json()) as { files: Record<string, { body: string }> };
      assert.deepEqual(Object.keys(body.files).map(exportFilePath).sort(), [...files].sort());

      const json = await cli(["status", "export", dir, "--json"], { env: serverEnv(foghorn) });
      const result = JSON.parse(json.stdout) as { files: number; source: string; paths: string[] };
      assert.equal(result.source, "server");
      assert.equal(result.files, result.paths.length);
      assert.ok(!walk(dir).some((f) => f.includes(".tmp-")), "no temporary file is left");
    });
  });
}

test("with no server on this machine, exports straight from the local storage", async () => {
  const dataDir = join(tempDir(), "data");
  const database = await openDb({ dataDir });
  try {
    await migrateDb(database);
    const ctx = appContext(database.db);
    const incident = await declareTestIncident(ctx, { title: "Search outage" });
    await postStatusUpdate(ctx, incident.id, { message: "Search is down.", visibility: "external" });
  } finally {
    await database.close();
  }
  const dir = join(tempDir(), "out");
  const r = await cli(["status", "export", dir], {
    env: {
      FOGHORN_DATA_DIR: dataDir,
      FOGHORN_URL: "http://127.0.0.1:1",
      FOGHORN_PUBLIC_URL: "https://ops.example.com",
    },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /No server at http:\/\/127\.0\.0\.1:1; reading the local storage\./);
  assert.match(r.stdout, /from the local storage\./);
  for (const f of SITE_FILES) assert.ok(existsSync(join(dir, f)), `${f} written`);
  const status = JSON.parse(readFileSync(join(dir, "api/v2/incidents.json"), "utf8")) as {
    page: { url: string };
    incidents: { name: string; shortlink: string }[];
  };
  assert.equal(status.page.url, "https://ops.example.com/status");
  assert.equal(status.incidents[0]?.name, "Search outage");
});
