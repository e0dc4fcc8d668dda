/**
 * Golden files: every communication template rendered from each demo incident (src/app/demo/incidents.ts),
 * compared with test/golden/templates/<incident>.<template>.txt. After an intended change to a template,
 * refresh them with `UPDATE_GOLDEN=1 npm test -- --only-tests golden/templates` and review the diff.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { loadDemoData } from "#app/demo/load.ts";
import { listIncidentTemplates } from "#app/incidents/templates.ts";
import { getTimeline } from "#app/incidents/timeline.ts";
import { TEMPLATE_NAMES } from "#domain/templates/builtin.ts";
import { PLACEHOLDER_NAMES } from "#domain/templates/placeholders.ts";
import { ManualClock, MINUTE } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext } from "../helpers/factories.ts";
import { expectGolden as compareGolden, slug } from "./golden.ts";

const GOLDEN_DIR = new URL("./templates/", import.meta.url);
const expectGolden = (file: string, actual: string) => compareGolden(GOLDEN_DIR, file, actual);

for (const backend of await testBackends()) {
  describe(`communication templates of the demo incidents (${backend.kind})`, { skip: backend.skip }, () => {
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

    /** A context whose clock stands five minutes after the incident's last event: a fixed "now". */
    async function renderedAt(id: string, timeZone = "UTC") {
      const base = appContext(database.db);
      const last = (await getTimeline(base, id)).events.at(-1);
      const clock = new ManualClock(new Date(Date.parse(last?.at ?? "") + 5 * MINUTE));
      return listIncidentTemplates({ ...base, clock, templates: { timeZone, overrides: {} } }, id);
    }

    test("every template of every demo incident matches its golden file", async () => {
      assert.equal(ids.length, 3);
      for (const id of ids) {
        const { templates } = await renderedAt(id);
        assert.deepEqual(
          templates.map((t) => t.name),
          [...TEMPLATE_NAMES],
        );
        const title = (await getTimeline(appContext(database.db), id)).events[0]?.data.title;
        for (const t of templates) expectGolden(`${slug(String(title))}.${t.name}.txt`, `${t.text}\n`);
      }
    });

    test("the status doc in the seed's own time zone", async () => {
      const pipeline = ids[1] ?? "";
      const doc = (await renderedAt(pipeline, "Europe/Berlin")).templates.find(
        (t) => t.name === "status-doc",
      );
      expectGolden("pipeline-blocks-spiking.status-doc.europe-berlin.txt", `${doc?.text}\n`);
    });
  });
}

test("docs/communication.md documents every template and every placeholder", () => {
  const docs = readFileSync(new URL("../../docs/communication.md", import.meta.url), "utf8");
  for (const name of TEMPLATE_NAMES) assert.ok(docs.includes(`| \`${name}\``), `template ${name}`);
  for (const name of PLACEHOLDER_NAMES) assert.ok(docs.includes(`| \`{{${name}}}\``), `placeholder ${name}`);
});
