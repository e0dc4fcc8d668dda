// The incident lifecycle over HTTP, on both storage backends: what an API client sees.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

async function body(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

/** Asserts an RFC 9457 problem with this status and code; returns its body. */
async function expectProblem(res: Response, status: number, code: string): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = JSON.parse(text) as Json;
  assert.equal(problem.status, status);
  assert.equal(problem.code, code);
  assert.equal(typeof problem.detail, "string");
  assert.equal(typeof problem.title, "string");
  assert.equal(problem.type, `urn:foghorn:problem:${code.toLowerCase().replace(/_/g, "-")}`);
  return problem;
}

for (const backend of await testBackends()) {
  describe(`incidents over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
    });
    after(async () => {
      await foghorn?.close();
    });

    test("seed 002's CreateIncidentRequest answers 201 with a Location, and GET shows the same incident", async () => {
      const service = uniqueName("export-api");
      const request = {
        title: "API timeouts on bulk export",
        description: "Bulk export requests time out after 30 s",
        severity: "high",
        affected_services: [service, "auth"],
        assignee: "alice",
        related_alerts: ["alert-123"],
      };
      const res = await foghorn.api("/api/v1/incidents", { body: request });
      assert.equal(res.status, 201);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      const created = await body(res);
      assert.match(String(created.id), /^INC-\d+$/);
      assert.equal(res.headers.get("location"), `/api/v1/incidents/${created.id}`);
      assert.equal(created.title, request.title);
      assert.equal(created.description, request.description);
      assert.equal(created.severity, "SEV2");
      assert.equal(created.severity_label, "high");
      assert.equal(created.status, "triggered");
      assert.equal(created.assignee, "alice");
      assert.deepEqual(created.affected_services, ["auth", service]);
      assert.deepEqual(created.related_alerts, ["alert-123"]);
      assert.equal(created.created_by, "admin");
      assert.equal(created.created_at, clock.now().toISOString());

      const got = await foghorn.api(res.headers.get("location") ?? "");
      assert.equal(got.status, 200);
      assert.deepEqual(await body(got), { ...created, evidence: [], status_updates: [], action_items: [] });
      const lower = await foghorn.api(`/api/v1/incidents/${String(created.id).toLowerCase()}`);
      assert.equal(lower.status, 200, "inc-42 works as well as INC-42");
      const bare = await foghorn.api(`/api/v1/incidents/${created.number}`);
      assert.equal((await body(bare)).id, created.id);
    });

    test("an incident runs its whole lifecycle through the API", async () => {
      const created = await body(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "Checkout 500s", severity: "critical", affected_services: [uniqueName("checkout")] },
        }),
      );
      const base = `/api/v1/incidents/${created.id}`;
      const status = async (to: string, note?: string) => {
        clock.advance(5 * MINUTE);
        const res = await foghorn.api(`${base}/status`, { body: { status: to, ...(note ? { note } : {}) } });
        assert.equal(res.status, 200, `→ ${to}: ${res.status}`);
        return body(res);
      };

      const acked = await status("acknowledged");
      assert.equal(acked.acknowledged_at, clock.now().toISOString());
      assert.deepEqual(acked.allowed_next_statuses, ["investigating", "mitigating", "resolved"]);

      const refused = await foghorn.api(`${base}/status`, { body: { status: "postmortem" } });
      const problem = await expectProblem(refused, 409, "INVALID_TRANSITION");
      assert.deepEqual(problem.allowed_next_statuses, ["investigating", "mitigating", "resolved"]);
      assert.equal(problem.current_status, "acknowledged");
      assert.match(String(problem.detail), /Allowed next statuses: investigating, mitigating, resolved/);
      assert.equal(problem.instance, `${base}/status`);
      assert.deepEqual(problem.errors, [
        { field: "status", message: "allowed next statuses: investigating, mitigating, resolved" },
      ]);
      const same = await expectProblem(
        await foghorn.api(`${base}/status`, { body: { status: "acknowledged" } }),
        409,
        "INVALID_TRANSITION",
      );
      assert.match(String(same.detail), /already/);

      await status("investigating", "DB CPU at 100%");
      const note = await foghorn.api(`${base}/notes`, { body: { text: "Slow query on orders" } });
      assert.equal(note.status, 201);
      assert.equal((await body(note)).actor, "admin");

      const evidence = await foghorn.api(`${base}/evidence`, {
        body: { kind: "metric", url: "https://grafana.example.com/d/db", caption: "CPU" },
      });
      assert.equal(evidence.status, 201);
      const ev = await body(evidence);
      assert.deepEqual(
        [ev.kind, ev.url, ev.caption, ev.added_by],
        ["metric", "https://grafana.example.com/d/db", "CPU", "admin"],
      );

      const update = await foghorn.api(`${base}/status-updates`, {
        body: { message: "We are investigating checkout errors", visibility: "external" },
      });
      assert.equal(update.status, 201);
      const su = await body(update);
      assert.deepEqual(
        [su.incident_id, su.status, su.visibility, su.created_by],
        [created.id, "investigating", "external", "admin"],
      );

      const roles = await foghorn.api(`${base}/roles`, { body: { role: "commander", person: "bob" } });
      assert.equal(roles.status, 200);
      const withRoles = await body(roles);
      assert.equal(withRoles.assignee, "bob");
      await foghorn.api(`${base}/roles`, { body: { role: "responder", person: "rita" } });
      const notHolder = await foghorn.api(`${base}/roles`, {
        body: { role: "scribe", person: "sam", remove: true },
      });
      await expectProblem(notHolder, 409, "CONFLICT");

      const patch = await foghorn.api(base, {
        method: "PATCH",
        body: { severity: "high", root_cause: "Missing index on orders.created_at" },
      });
      assert.equal(patch.status, 200);
      assert.equal((await body(patch)).severity, "SEV2");

      const item = await foghorn.api(`${base}/action-items`, {
        body: { title: "Add the index", owner: "dave", priority: "high", due_at: "2026-03-09T00:00:00Z" },
      });
      assert.equal(item.status, 201);
      const ai = await body(item);
      assert.deepEqual(
        [ai.status, ai.owner, ai.priority, ai.due_at, ai.overdue],
        ["open", "dave", "high", "2026-03-09T00:00:00.000Z", false],
      );
      const edited = await foghorn.api(`${base}/action-items/${ai.id}`, {
        method: "PATCH",
        body: { owner: "erin" },
      });
      assert.equal(edited.status, 200);
      assert.equal((await body(edited)).owner, "erin");
      const done = await foghorn.api(`${base}/action-items/${ai.id}/complete`, { method: "POST" });
      assert.equal(done.status, 200);
      assert.equal((await body(done)).status, "done");
      await expectProblem(
        await foghorn.api(`${base}/action-items/not-a-uuid/complete`, { method: "POST" }),
        422,
        "INVALID_INPUT",
      );
      await expectProblem(
        await foghorn.api(`${base}/action-items/2f1c7a5b-4e10-4a53-9d8e-0b9f3c2e6d1a`, {
          method: "PATCH",
          body: { owner: "x" },
        }),
        404,
        "NOT_FOUND",
      );

      await status("mitigating");
      const resolved = await status("resolved");
      assert.equal(resolved.resolved_at, clock.now().toISOString());
      const reopened = await status("investigating", "errors are back");
      assert.equal(reopened.resolved_at, null);
      await status("resolved");
      const closed = await status("postmortem");
      assert.deepEqual(closed.allowed_next_statuses, []);
      const final = await expectProblem(
        await foghorn.api(`${base}/status`, { body: { status: "investigating" } }),
        409,
        "INVALID_TRANSITION",
      );
      assert.deepEqual(final.allowed_next_statuses, []);

      const detail = await body(await foghorn.api(base));
      assert.equal(detail.status, "postmortem");
      assert.deepEqual(detail.roles, {
        commander: "bob",
        communications_lead: null,
        scribe: null,
        responders: ["rita"],
      });
      assert.deepEqual(
        (detail.evidence as Json[]).map((e) => e.id),
        [ev.id],
      );
      assert.deepEqual(
        (detail.status_updates as Json[]).map((u) => u.id),
        [su.id],
      );
      assert.deepEqual(
        (detail.action_items as Json[]).map((a) => [a.id, a.status, a.owner]),
        [[ai.id, "done", "erin"]],
      );
      assert.equal(detail.root_cause, "Missing index on orders.created_at");

      const timeline = await body(await foghorn.api(`${base}/timeline`));
      const events = timeline.events as Json[];
      assert.deepEqual(
        events.map((e) => e.kind),
        [
          "incident.declared",
          "incident.status_changed",
          "incident.status_changed",
          "note.added",
          "note.added",
          "evidence.added",
          "status_update.posted",
          "role.assigned",
          "role.assigned",
          "incident.updated",
          "action_item.created",
          "action_item.updated",
          "action_item.completed",
          "incident.status_changed",
          "incident.status_changed",
          "incident.status_changed",
          "note.added",
          "incident.status_changed",
          "incident.status_changed",
        ],
      );
      assert.ok(events.every((e) => e.actor === "admin"));
      const times = events.map((e) => Date.parse(String(e.at)));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        "chronological",
      );
      const verify = await foghorn.api(`${base}/timeline/verify`);
      assert.equal(verify.status, 200);
      assert.deepEqual(await body(verify), {
        incident_id: created.id,
        ok: true,
        events: events.length,
        head: events.at(-1)?.hash,
      });
      assert.equal(detail.timeline_length, events.length);
    });

    test("the list filters, sorts and pages with a cursor", async () => {
      const service = uniqueName("inventory");
      const ids: string[] = [];
      for (const [i, severity] of ["high", "low", "high", "critical", "high"].entries()) {
        clock.advance(MINUTE);
        const res = await foghorn.api("/api/v1/incidents", {
          body: {
            title: `Stock sync lag ${i}`,
            severity,
            affected_services: [service],
            ...(i % 2 ? { assignee: "olga" } : {}),
          },
        });
        ids.push(String((await body(res)).id));
      }
      await foghorn.api(`/api/v1/incidents/${ids[0]}/status`, { body: { status: "resolved" } });

      const pages: Json[][] = [];
      let next = `/api/v1/incidents?service=${service.toUpperCase()}&limit=2`;
      for (;;) {
        const res = await foghorn.api(next);
        assert.equal(res.status, 200);
        const page = await body(res);
        pages.push(page.items as Json[]);
        if (page.next_cursor === null) break;
        next = `/api/v1/incidents?service=${service}&limit=2&cursor=${encodeURIComponent(String(page.next_cursor))}`;
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
      assert.deepEqual(
        pages.flat().map((i) => i.id),
        [...ids].reverse(),
        "newest first by default",
      );
      const first = pages[0]?.[0];
      assert.ok(first);
      assert.deepEqual(Object.keys(first).sort(), [
        "acknowledged_at",
        "affected_services",
        "assignee",
        "created_at",
        "duration",
        "duration_seconds",
        "id",
        "resolved_at",
        "severity",
        "status",
        "title",
      ]);

      const list = async (query: string) =>
        (
          (await body(await foghorn.api(`/api/v1/incidents?service=${service}&${query}`))).items as Json[]
        ).map((i) => i.id);
      assert.deepEqual(await list("severity=high&sort=id"), [ids[0], ids[2], ids[4]]);
      assert.deepEqual(await list("severity=critical,low&sort=id"), [ids[1], ids[3]]);
      assert.deepEqual(await list("status=closed"), [ids[0]]);
      assert.deepEqual(await list("status=open&severity=high&sort=-id"), [ids[4], ids[2]]);
      assert.deepEqual(await list("status=triggered&status=resolved&sort=id"), ids);
      assert.deepEqual(await list("assignee=olga&sort=id"), [ids[1], ids[3]]);
      assert.deepEqual(await list("q=SYNC%20LAG%203"), [ids[3]]);
      assert.deepEqual(await list("sort=-severity&limit=3"), [ids[1], ids[4], ids[2]]);
      const createdOf = (id: string | undefined) => pages.flat().find((i) => i.id === id)?.created_at;
      assert.deepEqual(
        await list(`created_after=${createdOf(ids[1])}&created_before=${createdOf(ids[3])}&sort=created_at`),
        [ids[1], ids[2]],
      );

      const badCursor = await expectProblem(
        await foghorn.api("/api/v1/incidents?cursor=not-a-cursor"),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(
        (badCursor.errors as Json[]).map((e) => e.field),
        ["cursor"],
      );
      const bad = await expectProblem(
        await foghorn.api("/api/v1/incidents?sort=priority&limit=0&status=done"),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual((bad.errors as Json[]).map((e) => e.field).sort(), ["limit", "sort", "status"]);
    });

    test("an unknown incident is a 404 problem; a malformed id a 422", async () => {
      const missing = await expectProblem(
        await foghorn.api("/api/v1/incidents/INC-999999"),
        404,
        "NOT_FOUND",
      );
      assert.match(String(missing.detail), /INC-999999 does not exist/);
      await expectProblem(await foghorn.api("/api/v1/incidents/INC-99999999999/timeline"), 404, "NOT_FOUND");
      await expectProblem(
        await foghorn.api("/api/v1/incidents/INC-999999/notes", { body: { text: "hi" } }),
        404,
        "NOT_FOUND",
      );
      const malformed = await expectProblem(
        await foghorn.api("/api/v1/incidents/checkout-down"),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(malformed.errors, [{ field: "id", message: "expected INC-<number>" }]);
    });
  });
}
