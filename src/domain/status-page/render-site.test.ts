import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderSite } from "./render-site.ts";
import { sampleStatusData } from "./samples.ts";
import { STATUSPAGE_JSON_PATHS } from "./statuspage-json.ts";

describe("renderSite", () => {
  const data = sampleStatusData("maintenance");

  test("under /status: the page, one page per incident and maintenance, the JSON and the feeds", () => {
    const files = renderSite(data, { base: "/status" });
    assert.deepEqual([...files.keys()].sort(), [
      "/api/v2/components.json",
      "/api/v2/incidents.json",
      "/api/v2/incidents/unresolved.json",
      "/api/v2/scheduled-maintenances.json",
      "/api/v2/scheduled-maintenances/active.json",
      "/api/v2/scheduled-maintenances/upcoming.json",
      "/api/v2/status.json",
      "/api/v2/summary.json",
      "/history.atom",
      "/history.rss",
      "/status",
      "/status/incidents/incapierr001",
      "/status/incidents/incmaildly01",
      "/status/incidents/incwebdown01",
      "/status/maintenances/mntdbpatch01",
      "/status/maintenances/mntpgupgr001",
      "/status/maintenances/mntsmsprov01",
    ]);
    for (const [path, file] of files) {
      const expected = path.endsWith(".json")
        ? "application/json; charset=utf-8"
        : path.endsWith(".rss")
          ? "application/rss+xml; charset=utf-8"
          : path.endsWith(".atom")
            ? "application/atom+xml; charset=utf-8"
            : "text/html; charset=utf-8";
      assert.equal(file.contentType, expected, path);
    }
    for (const path of STATUSPAGE_JSON_PATHS) {
      const body = files.get(path)?.body ?? "";
      assert.doesNotThrow(() => JSON.parse(body), path);
    }
    assert.match(files.get("/status")?.body ?? "", /<h1>Service Under Maintenance<\/h1>/);
    assert.match(files.get("/status")?.body ?? "", /href="\/status\/incidents\/incapierr001"/);
  });

  test("on the status domain and in exports the page is at / and links have no prefix", () => {
    const files = renderSite(data, { base: "" });
    assert.ok(files.has("/"));
    assert.ok(files.has("/incidents/incapierr001"));
    assert.ok(files.has("/maintenances/mntpgupgr001"));
    assert.ok(!files.has("/status"));
    assert.match(files.get("/")?.body ?? "", /href="\/incidents\/incapierr001"/);
    assert.doesNotMatch(files.get("/")?.body ?? "", /"\/status\//);
    assert.equal(
      files.get("/api/v2/summary.json")?.body,
      renderSite(data, { base: "/status" }).get("/api/v2/summary.json")?.body,
    );
  });
});
