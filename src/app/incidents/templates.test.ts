import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident, expectAppError } from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { postStatusUpdate } from "./records.ts";
import { listIncidentTemplates, renderIncidentTemplate } from "./templates.ts";

// biome-ignore lint/suspicious/noTemplateCurlyInString: a JavaScript template expression is the attack under test
const EXIT = "${process.exit(1)}";

for (const backend of await testBackends()) {
  describe(`communication templates (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("an injection attempt in a title or an installation's text renders as literal text", async () => {
      const base = appContext(database.db);
      const incident = await declareTestIncident(base, {
        title: `Checkout {{commander}} ${EXIT} <script>alert(1)</script>`,
        assignee: "bob",
      });
      const ctx = {
        ...base,
        templates: {
          timeZone: "UTC",
          overrides: {
            "status-doc": `{{constructor.constructor('return process')()}} ${EXIT} <script>x</script> {{title}} / {{commander}}`,
          },
        },
      };
      const doc = await renderIncidentTemplate(ctx, incident.id, "status-doc");
      assert.equal(
        doc.text,
        `{{constructor.constructor('return process')()}} ${EXIT} <script>x</script> ` +
          `Checkout {{commander}} ${EXIT} <script>alert(1)</script> / bob`,
      );
      assert.equal(doc.customized, true);
      const declared = await renderIncidentTemplate(ctx, incident.id, "incident-declared");
      assert.match(
        declared.text,
        /^INCIDENT DECLARED: Checkout \{\{commander\}\} \$\{process\.exit\(1\)\} <script>/,
      );
      assert.equal(declared.customized, false);
    });

    test("status-page templates suggest their public status and external visibility", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx, { severity: "SEV1" });
      const { templates, time_zone } = await listIncidentTemplates(ctx, incident.id);
      assert.equal(time_zone, "UTC");
      const byName = new Map(templates.map((t) => [t.name, t]));
      assert.deepEqual(byName.get("status-identified")?.suggested_update, {
        status: "identified",
        visibility: "external",
      });
      assert.deepEqual(byName.get("incident-update")?.suggested_update, {
        status: null,
        visibility: "internal",
      });
      assert.equal(byName.get("executive-brief")?.intended_for, "SEV1");
      assert.deepEqual(byName.get("status-page-update")?.suggested_update.status, "investigating");
      ctx.clock.advance(10 * MINUTE);
      await changeIncidentStatus(ctx, incident.id, { status: "mitigating" });
      await postStatusUpdate(ctx, incident.id, {
        message: "Fix deployed",
        status: "monitoring",
        visibility: "external",
      });
      const block = await renderIncidentTemplate(ctx, incident.id, "status-page-update");
      assert.equal(block.suggested_update.status, "monitoring");
      assert.match(block.text, /^Status: Monitoring$/m);
      assert.match(block.text, /^Next update: 2026-03-02 09:25 UTC$/m, "SEV1: last update + 15 min");
    });

    test("an unknown template name is NOT_FOUND naming the templates", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const error = await expectAppError(
        renderIncidentTemplate(ctx, incident.id, "status-doc2"),
        "NOT_FOUND",
      );
      assert.match(error.detail, /no template "status-doc2".*incident-declared, .*status-doc$/);
      await expectAppError(renderIncidentTemplate(ctx, "INC-999999", "status-doc"), "NOT_FOUND");
    });
  });
}
