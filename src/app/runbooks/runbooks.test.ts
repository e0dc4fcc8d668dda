import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  actingAs,
  appContext,
  declareTestIncident,
  expectAppError,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { createService } from "../alerts/services.ts";
import {
  getRunbook,
  getRunbookVersion,
  listIncidentRunbooks,
  listRunbooks,
  listRunbookVersions,
} from "./get.ts";
import { importRunbooks } from "./import.ts";
import { restoreRunbookVersion, saveRunbook } from "./save.ts";

const sample = (name: string) =>
  readFileSync(new URL(`../../../docs/runbooks/${name}`, import.meta.url), "utf8");

const runbookText = (service: string, extra = "") =>
  `# Runbook: ${service}\n\n## Service Overview\n- Purpose: x\n\n## Common Issues\n### Issue 1: Down\n- **Symptoms:** 5xx\n- **Diagnosis:** \`kubectl get pods\`\n- **Resolution:** restart\n\n## Escalation\n- On-call: #ops-oncall\n${extra}`;

for (const backend of await testBackends()) {
  describe(`runbooks (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("every save is a new version and every previous text is kept", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const name = uniqueName("checkout");
      await createService(ctx, { name });
      await expectAppError(getRunbook(ctx, name), "NOT_FOUND");

      const v1 = await saveRunbook(ctx, name, { body: runbookText(name) });
      assert.equal(v1.outcome, "created");
      assert.equal(v1.version, 1);
      assert.equal(v1.title, name, "the title comes from '# Runbook: <name>'");
      assert.deepEqual(v1.warnings, []);

      ctx.clock.advance(5 * MINUTE);
      const bob = actingAs(ctx, "bob");
      const v2 = await saveRunbook(bob, name, { body: "# Runbook: short\njust notes", expected_version: 1 });
      assert.equal(v2.version, 2);
      assert.equal(v2.outcome, "updated");
      assert.equal(v2.updated_by, "bob");
      assert.deepEqual(v2.warnings, [
        'Missing section "## Service Overview"',
        'Missing section "## Common Issues"',
        'Missing section "## Escalation"',
      ]);

      const same = await saveRunbook(bob, name, { body: "# Runbook: short\njust notes" });
      assert.equal(same.outcome, "unchanged");
      assert.equal(same.version, 2, "unchanged text makes no new version");

      const v3 = await saveRunbook(ctx, name, { title: "Checkout (EU)", body: runbookText(name, "more") });
      assert.equal(v3.title, "Checkout (EU)");
      assert.equal((await getRunbook(ctx, name)).version, 3);

      const versions = await listRunbookVersions(ctx, name.toUpperCase());
      assert.equal(versions.current_version, 3);
      assert.deepEqual(
        versions.items.map((v) => [v.version, v.saved_by]),
        [
          [3, "nina"],
          [2, "bob"],
          [1, "nina"],
        ],
      );
      const old = await getRunbookVersion(ctx, name, "1");
      assert.equal(old.body, runbookText(name));
      assert.equal(old.current, false);
      assert.equal((await getRunbookVersion(ctx, name, 2)).body, "# Runbook: short\njust notes");
      await expectAppError(getRunbookVersion(ctx, name, 9), "NOT_FOUND");
      await expectAppError(getRunbookVersion(ctx, name, "x"), "INVALID_INPUT");

      const restored = await restoreRunbookVersion(ctx, name, { version: 1 });
      assert.equal(restored.version, 4);
      assert.equal(restored.body, runbookText(name));
      assert.equal(restored.source, "restore of version 1");
      assert.equal(
        (await listRunbookVersions(ctx, name)).items.length,
        4,
        "restoring never rewrites history",
      );

      const listed = (await listRunbooks(ctx)).items.find((r) => r.service === name);
      assert.deepEqual(listed && [listed.title, listed.version], [name, 4]);
    });

    test("a save on top of a version someone else replaced is a conflict and writes nothing", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const name = uniqueName("payments");
      await createService(ctx, { name });
      await saveRunbook(ctx, name, { body: runbookText(name), expected_version: 0 });
      await saveRunbook(actingAs(ctx, "bob"), name, {
        body: runbookText(name, "bob's fix"),
        expected_version: 1,
      });
      const refused = await expectAppError(
        saveRunbook(ctx, name, { body: runbookText(name, "nina's fix"), expected_version: 1 }),
        "CONFLICT",
      );
      assert.match(refused.detail, /changed since you opened version 1 \(version 2, saved by bob\)/);
      assert.equal(refused.extra.current_version, 2);
      await expectAppError(saveRunbook(ctx, name, { body: "x", expected_version: 0 }), "CONFLICT");
      const current = await getRunbook(ctx, name);
      assert.equal(current.version, 2);
      assert.match(current.body, /bob's fix/);
    });

    test("bad input names the field; an unknown service is NOT_FOUND", async () => {
      const ctx = appContext(database.db);
      const name = uniqueName("svc");
      await createService(ctx, { name });
      const bad = await expectAppError(saveRunbook(ctx, name, { body: "  ", title: "" }), "INVALID_INPUT");
      assert.deepEqual(bad.fields.map((f) => f.field).sort(), ["body", "title"]);
      await expectAppError(saveRunbook(ctx, uniqueName("nope"), { body: "x" }), "NOT_FOUND");
    });

    test("import creates services and runbooks, then reports updated, unchanged and skipped files", async () => {
      const ctx = appContext(database.db, { actor: "importer" });
      const a = uniqueName("checkout");
      const b = uniqueName("payments");
      const first = await importRunbooks(ctx, {
        files: [
          { name: `docs/runbooks/${a}-runbook.md`, text: sample("checkout-runbook.md") },
          { name: `${b}-runbook.md`, text: "# Runbook: payments\nTODO" },
          { name: "README.md", text: "# Runbooks" },
          { name: `${a.toUpperCase()}-runbook.md`, text: "dup" },
          { name: "empty-runbook.md", text: "  \n" },
        ],
      });
      assert.deepEqual(first.summary, { created: 2, updated: 0, unchanged: 0, skipped: 3, warnings: 3 });
      assert.deepEqual(
        first.files.map((f) => [f.result, f.service_created, f.version]),
        [
          ["created", true, 1],
          ["created", true, 1],
          ["skipped", false, null],
          ["skipped", false, null],
          ["skipped", false, null],
        ],
      );
      assert.match(first.files[2]?.reason ?? "", /must be <service>-runbook\.md/);
      assert.match(first.files[3]?.reason ?? "", /is the runbook of the same service/);
      assert.equal(first.files[4]?.reason, "the file is empty");
      assert.equal(first.files[1]?.warnings.length, 3);
      const imported = await getRunbook(ctx, a);
      assert.equal(imported.title, "checkout");
      assert.equal(imported.source, `docs/runbooks/${a}-runbook.md`);

      ctx.clock.advance(MINUTE);
      const dry = await importRunbooks(ctx, {
        dry_run: true,
        files: [
          { name: `${a}-runbook.md`, text: sample("checkout-runbook.md") },
          { name: `${b}-runbook.md`, text: sample("payments-runbook.md") },
          { name: `${uniqueName("new")}-runbook.md`, text: "# x" },
        ],
      });
      assert.deepEqual(
        dry.files.map((f) => [f.result, f.version]),
        [
          ["unchanged", 1],
          ["updated", 2],
          ["created", null],
        ],
      );
      assert.equal((await getRunbook(ctx, b)).version, 1, "a dry run saves nothing");

      const second = await importRunbooks(ctx, {
        files: [
          { name: `${a}-runbook.md`, text: sample("checkout-runbook.md") },
          { name: `${b}-runbook.md`, text: sample("payments-runbook.md") },
        ],
      });
      assert.deepEqual(
        second.files.map((f) => [f.result, f.version, f.service_created]),
        [
          ["unchanged", 1, false],
          ["updated", 2, false],
        ],
      );
      assert.equal((await listRunbookVersions(ctx, a)).items.length, 1, "unchanged text adds no version");
      assert.equal((await getRunbookVersion(ctx, b, 1)).body, "# Runbook: payments\nTODO");
    });

    test("an incident lists the runbooks of its affected services, null where there is none", async () => {
      const ctx = appContext(database.db);
      const withBook = uniqueName("checkout");
      const without = uniqueName("search");
      const incident = await declareTestIncident(ctx, { affected_services: [withBook, without] });
      await saveRunbook(ctx, withBook, { body: runbookText(withBook) });
      const { items } = await listIncidentRunbooks(ctx, incident.id);
      assert.deepEqual(
        items.map((i) => [i.service, i.runbook?.version ?? null]),
        [
          [withBook, 1],
          [without, null],
        ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      );
      await expectAppError(listIncidentRunbooks(ctx, "INC-999999"), "NOT_FOUND");
    });
  });
}
