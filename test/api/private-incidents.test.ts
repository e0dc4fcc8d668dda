// Private incidents over HTTP, on both storage backends: who sees them, where they are left out, who may
// change the flag (docs/access.md).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testBackends } from "#store/testing.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

for (const backend of await testBackends()) {
  describe(`private incidents (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
    });
    after(async () => {
      await foghorn?.close();
    });

    async function call(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}) {
      const res = await foghorn.api(path, init);
      const text = await res.text();
      let body: Json = {};
      try {
        body = JSON.parse(text) as Json;
      } catch {
        body = { text };
      }
      return { status: res.status, body, text };
    }

    async function ok(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}): Promise<Json> {
      const res = await call(path, init);
      assert.ok(res.status < 300, `${path}: ${res.status} ${res.text}`);
      return res.body;
    }

    async function person(role: string) {
      const username = uniqueName(role);
      await ok("/api/v1/users", { body: { username, role } });
      const token = await ok("/api/v1/tokens", { body: { name: "t", username } });
      return { username, token: String(token.token) };
    }

    test("a private incident is seen by its declarer, its role holders and admins only; others get the missing-incident 404", async () => {
      const declarer = await person("responder");
      const outsider = await person("manager");
      const helper = await person("viewer");
      const service = uniqueName("vault");
      const title = uniqueName("Leaked signing key");
      const created = await ok("/api/v1/incidents", {
        body: { title, severity: "SEV2", private: true, affected_services: [service] },
        token: declarer.token,
      });
      assert.equal(created.private, true);
      const id = String(created.id);
      const publicOne = await ok("/api/v1/incidents", {
        body: { title: `${title} (public twin)`, severity: "SEV4" },
      });

      // The declarer and the admin see it; the outsider gets exactly what a missing incident answers.
      assert.equal((await ok(`/api/v1/incidents/${id}`, { token: declarer.token })).private, true);
      assert.equal((await ok(`/api/v1/incidents/${id}`)).title, title);
      const hidden = await call(`/api/v1/incidents/${id}`, { token: outsider.token });
      const missing = await call("/api/v1/incidents/INC-999999", { token: outsider.token });
      assert.equal(hidden.status, 404);
      assert.equal(hidden.body.code, missing.body.code);
      assert.equal(
        String(hidden.body.detail).replace(/INC-\d+/, "INC-?"),
        String(missing.body.detail).replace(/INC-\d+/, "INC-?"),
      );
      for (const sub of [
        "timeline",
        "alerts",
        "markdown",
        "postmortem.md",
        "checklist",
        "runbooks",
        "templates",
      ])
        assert.equal(
          (await call(`/api/v1/incidents/${id}/${sub}`, { token: outsider.token })).status,
          404,
          `GET /incidents/{id}/${sub} hides it`,
        );
      const note = await call(`/api/v1/incidents/${id}/notes`, {
        body: { text: "I should not be able to write here" },
        token: outsider.token,
      });
      assert.equal(note.status, 404);

      // Lists and text search leave it out for the outsider, not for the declarer or the admin.
      const titles = async (token: string | undefined, query = "") =>
        ((await ok(`/api/v1/incidents?limit=200${query}`, token ? { token } : {})).items as Json[]).map(
          (i) => i.title,
        );
      const search = `&q=${encodeURIComponent(title)}`;
      assert.deepEqual(await titles(outsider.token, search), [`${title} (public twin)`]);
      assert.ok((await titles(outsider.token)).includes(publicOne.title));
      assert.ok(!(await titles(outsider.token)).includes(title));
      assert.ok((await titles(declarer.token, search)).includes(title));
      assert.ok((await titles(undefined, search)).includes(title));
      const listed = ((await ok(`/api/v1/incidents?limit=200${search}`)).items as Json[]).find(
        (i) => i.title === title,
      );
      assert.equal(listed?.private, true, "the list shows the flag (the UI's Private badge)");

      // Giving someone a role on it lets them see it.
      await ok(`/api/v1/incidents/${id}/roles`, {
        body: { role: "scribe", person: helper.username },
        token: declarer.token,
      });
      assert.equal((await ok(`/api/v1/incidents/${id}`, { token: helper.token })).title, title);
      assert.ok((await titles(helper.token, search)).includes(title));
    });

    test("only the commander or an admin changes the flag, and the timeline records it", async () => {
      const commander = await person("responder");
      const declarer = await person("responder");
      const created = await ok("/api/v1/incidents", {
        body: { title: uniqueName("Suspicious login"), severity: "SEV3", assignee: commander.username },
        token: declarer.token,
      });
      const id = String(created.id);
      assert.equal(created.private, false);
      const refused = await call(`/api/v1/incidents/${id}`, {
        method: "PATCH",
        body: { private: true },
        token: declarer.token,
      });
      assert.equal(refused.status, 403);
      assert.match(String(refused.body.detail), new RegExp(`commander of ${id} \\(${commander.username}\\)`));
      const changed = await ok(`/api/v1/incidents/${id}`, {
        method: "PATCH",
        body: { private: true },
        token: commander.token,
      });
      assert.equal(changed.private, true);
      const timeline = (await ok(`/api/v1/incidents/${id}/timeline`)).events as Json[];
      const entry = timeline.find((e) => e.kind === "incident.updated");
      assert.deepEqual((entry?.data as Json | undefined)?.changes, { private: { from: false, to: true } });
      const back = await ok(`/api/v1/incidents/${id}`, { method: "PATCH", body: { private: false } });
      assert.equal(back.private, false, "an admin may make it public again");
    });

    test("postmortem lists and the public status page leave private incidents out", async () => {
      const outsider = await person("viewer");
      const service = uniqueName("ledger");
      await ok("/api/v1/services", { body: { name: service } });
      const component = await ok("/api/v1/status-page/components", {
        body: { name: "Ledger", services: [service] },
      });
      const title = uniqueName("Ledger tampering");
      const created = await ok("/api/v1/incidents", {
        body: { title, severity: "SEV1", private: true, affected_services: [service] },
      });
      const id = String(created.id);
      await ok(`/api/v1/incidents/${id}/status-updates`, {
        body: { message: "Ledger writes are paused", visibility: "external" },
      });
      await ok(`/api/v1/incidents/${id}/postmortem`, { method: "POST" });
      await foghorn.statusPage.refresh();
      const raw = async (path: string) => (await fetch(`${foghorn.url}${path}`)).text();
      assert.ok(!(await raw("/api/v2/incidents.json")).includes(title));
      assert.ok(!(await raw("/status")).includes("Ledger writes are paused"));
      const summary = JSON.parse(await raw("/api/v2/summary.json")) as { components: Json[] };
      assert.equal(
        summary.components.find((c) => c.id === component.id)?.status,
        "operational",
        "a private incident does not change a component's public status",
      );

      const pm = async (token?: string) =>
        ((await ok("/api/v1/postmortems", token ? { token } : {})).items as Json[]).map((i) => i.incident_id);
      assert.ok((await pm()).includes(id));
      assert.ok(!(await pm(outsider.token)).includes(id));
    });
  });
}
