/**
 * Golden files: the postmortem of each demo incident (src/app/demo/incidents.ts), with sections written the
 * way a team would, compared with test/golden/postmortems/<incident>.md. After an intended change to the
 * postmortem's shape, refresh them with `UPDATE_GOLDEN=1 npm test -- --only-tests golden/postmortems` and
 * review the diff.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadDemoData } from "#app/demo/load.ts";
import { getIncident } from "#app/incidents/get.ts";
import { getTimeline } from "#app/incidents/timeline.ts";
import { exportPostmortem } from "#app/postmortems/get.ts";
import { savePostmortem } from "#app/postmortems/save.ts";
import { startPostmortem } from "#app/postmortems/start.ts";
import { changePostmortemStatus } from "#app/postmortems/status.ts";
import { HOUR, ManualClock } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext } from "../helpers/factories.ts";
import { expectGolden as compareGolden, slug } from "./golden.ts";

const GOLDEN_DIR = new URL("./postmortems/", import.meta.url);
const expectGolden = (file: string, actual: string) => compareGolden(GOLDEN_DIR, file, actual);

/** What the team writes: the same for every demo incident, so the goldens differ only by incident data. */
const WRITTEN = {
  contributing_factors: "- The feature flag rolled out to 100 % at once\n- No alert on query latency",
  went_well: "- The page reached the primary within a minute\n- Rolling back was one command",
  went_poorly: "- The status page was updated late",
  lessons_learned: "Roll out flags gradually and watch the p95 while doing it.",
  five_whys: [
    "Why did users see errors? → Because requests timed out.",
    { why: "Why did requests time out?", because: "Because a query scanned a whole table." },
  ],
  impact: {
    symptom: "Requests timed out",
    data_integrity: { level: "none" as const },
    revenue: "none known",
  },
};

for (const backend of await testBackends()) {
  describe(`postmortems of the demo incidents (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let ids: string[] = [];
    before(async () => {
      database = await openTestDb(backend.kind);
      const ctx = appContext(database.db, { actor: { kind: "user", name: "admin", role: "admin" } });
      ids = (await loadDemoData(ctx)).incidents;
    });
    after(async () => {
      await database?.close();
    });

    test("the postmortem of every demo incident matches its golden file", async () => {
      assert.equal(ids.length, 3);
      for (const id of ids) {
        const last = (await getTimeline(appContext(database.db), id)).events.at(-1);
        // A fixed "now": a day after the incident's last event.
        const clock = new ManualClock(new Date(Date.parse(last?.at ?? "") + 24 * HOUR));
        const incident = await getIncident(appContext(database.db, { clock }), id);
        const ctx = appContext(database.db, { clock, actor: incident.assignee ?? "alice" });
        const started = await startPostmortem(ctx, id);
        await savePostmortem(ctx, id, {
          version: started.version,
          sections: WRITTEN,
          reviewers: ["alice", "charlie"],
        });
        if (incident.status === "resolved") {
          await changePostmortemStatus(ctx, id, { status: "in_review" });
          await changePostmortemStatus(ctx, id, { status: "published" });
        }
        const file = await exportPostmortem(ctx, id);
        assert.match(file.file_name, /^postmortem-\d{4}-\d{2}-\d{2}\.md$/);
        expectGolden(`${slug(incident.title)}.md`, file.markdown);
      }
    });
  });
}
