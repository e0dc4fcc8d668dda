import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident, expectAppError, T0 } from "../../test/helpers/factories.ts";
import type { AppContext } from "./context.ts";
import { loadDemoData } from "./demo/load.ts";
import { type ChangeEvent, LocalChangeFeed, noChangeFeed } from "./events.ts";
import { createActionItem, updateActionItem } from "./incidents/action-items.ts";
import { assignRole } from "./incidents/assign-role.ts";
import { changeIncidentStatus } from "./incidents/change-status.ts";
import { getIncident } from "./incidents/get.ts";
import { addEvidence, addNote, postStatusUpdate } from "./incidents/records.ts";
import { updateIncident } from "./incidents/update.ts";

test("the local feed delivers to every subscriber until it unsubscribes; a throwing listener hurts no one", () => {
  const warnings: unknown[] = [];
  const feed = new LocalChangeFeed({
    info() {},
    debug() {},
    error() {},
    warn: (obj) => warnings.push(obj),
  });
  const a: ChangeEvent[] = [];
  const b: ChangeEvent[] = [];
  const offA = feed.subscribe((e) => a.push(e));
  feed.subscribe(() => {
    throw new Error("broken listener");
  });
  const offB = feed.subscribe((e) => b.push(e));
  const event: ChangeEvent = { type: "reload", at: T0 };
  feed.publish(event);
  assert.deepEqual(a, [event]);
  assert.deepEqual(b, [event]);
  assert.equal(warnings.length, 1);
  offA();
  offA();
  feed.publish(event);
  assert.equal(a.length, 1);
  assert.equal(b.length, 2);
  offB();
  assert.equal(feed.listenerCount, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(event)), event, "events are plain JSON");
  noChangeFeed.publish(event);
  noChangeFeed.subscribe(() => assert.fail("no feed delivers nothing"))();
});

for (const backend of await testBackends()) {
  describe(`incident verbs announce committed changes (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let ctx: AppContext;
    const seen: ChangeEvent[] = [];
    /** What a listener read back when it heard the event: the change must already be visible. */
    const reads: Promise<string>[] = [];
    before(async () => {
      database = await openTestDb(backend.kind);
      const events = new LocalChangeFeed();
      ctx = appContext(database.db, { events });
      events.subscribe((event) => {
        seen.push(event);
        if (event.type === "incident")
          reads.push(getIncident(ctx, event.id).then((i) => `${i.id} ${i.status} ${i.title}`));
      });
    });
    after(async () => {
      await database?.close();
    });

    const kinds = () => seen.map((e) => (e.type === "incident" ? `${e.id} ${e.kind}` : e.type));

    test("each verb publishes once, after its transaction, with the first timeline kind it wrote", async () => {
      seen.length = 0;
      const incident = await declareTestIncident(ctx, { title: "Announced" });
      const id = incident.id;
      assert.deepEqual(seen, [
        { type: "incident", id, kind: "incident.declared", at: ctx.clock.now().toISOString() },
      ]);
      await changeIncidentStatus(ctx, id, { status: "investigating", note: "on it" });
      await updateIncident(ctx, id, { severity: "SEV1", add_services: ["announce-db"] });
      await assignRole(ctx, id, { role: "scribe", person: "bob" });
      await addNote(ctx, id, { text: "a note" });
      await addEvidence(ctx, id, { url: "https://grafana.example.com/d/1" });
      await postStatusUpdate(ctx, id, { message: "We are on it", visibility: "external" });
      const item = await createActionItem(ctx, id, { title: "Add an alert" });
      await updateActionItem(ctx, id, item.id, { owner: "carol" });
      await updateActionItem(ctx, id, item.id, { status: "done" });
      assert.deepEqual(kinds(), [
        `${id} incident.declared`,
        `${id} incident.status_changed`,
        `${id} incident.updated`,
        `${id} role.assigned`,
        `${id} note.added`,
        `${id} evidence.added`,
        `${id} status_update.posted`,
        `${id} action_item.created`,
        `${id} action_item.updated`,
        `${id} action_item.completed`,
      ]);
      const read = await Promise.all(reads);
      assert.equal(read[0], `${id} triggered Announced`, "the listener reads the committed incident");
      assert.equal(read[1], `${id} investigating Announced`);
    });

    test("a refused change or one that changes nothing publishes nothing", async () => {
      const incident = await declareTestIncident(ctx);
      seen.length = 0;
      await expectAppError(
        changeIncidentStatus(ctx, incident.id, { status: "postmortem" }),
        "INVALID_TRANSITION",
      );
      await expectAppError(addNote(ctx, incident.id, { text: "" }), "INVALID_INPUT");
      await updateIncident(ctx, incident.id, { title: incident.title });
      await assignRole(ctx, incident.id, { role: "commander", person: "alice" });
      assert.deepEqual(seen, []);
    });

    test("loading the demo announces its incidents", async () => {
      seen.length = 0;
      const demo = await loadDemoData({ ...ctx, actor: { kind: "system", name: "foghorn" } });
      for (const id of demo.incidents)
        assert.ok(kinds().includes(`${id} incident.declared`), `${id} was announced`);
      await Promise.all(reads);
    });
  });
}
