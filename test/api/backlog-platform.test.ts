// Action items to GitHub from the platform, over HTTP on both storage backends: the GitHub webhook that
// completes an item when its issue is closed (signatures, replays), markdown import and export, and the
// 409 that says how to configure GitHub.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { withTransaction } from "#store/db.ts";
import { updateActionItem } from "#store/records.ts";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
const SECRET = "webhook-secret-for-tests";
const FOLDER = ".scraut/sprint/001/incidents/2026-05-24-api-timeout";
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/scraut/${FOLDER}/${name}`, import.meta.url), "utf8");

async function json(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as Json;
}

async function declareWithItem(foghorn: TestFoghorn): Promise<{ incident: string; item: string }> {
  const declared = await json(
    await foghorn.api("/api/v1/incidents", {
      body: {
        title: "API timeouts on bulk export",
        severity: "SEV2",
        affected_services: [uniqueName("export")],
      },
    }),
    201,
  );
  const incident = String(declared.id);
  const item = await json(
    await foghorn.api(`/api/v1/incidents/${incident}/action-items`, {
      body: { title: "Add index to exports on user_id", owner: "bob", priority: "high" },
    }),
    201,
  );
  return { incident, item: String(item.id) };
}

/** Posts a GitHub delivery, signed with `secret` (null: unsigned). */
function deliver(
  foghorn: TestFoghorn,
  event: string,
  payload: unknown,
  opts: { secret?: string | null; delivery?: string; body?: string } = {},
): Promise<Response> {
  const body = opts.body ?? JSON.stringify(payload);
  const secret = opts.secret === undefined ? SECRET : opts.secret;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": opts.delivery ?? randomUUID(),
    "user-agent": "GitHub-Hookshot/abc123",
  };
  if (secret !== null)
    headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return fetch(`${foghorn.url}/webhooks/github`, { method: "POST", headers, body });
}

const closed = (number: number, action = "closed") => ({
  action,
  issue: {
    number,
    html_url: `https://github.com/acme/api/issues/${number}`,
    state: "closed",
    state_reason: "completed",
  },
  repository: { full_name: "acme/api" },
  sender: { login: "octocat" },
});

async function itemOf(foghorn: TestFoghorn, incident: string, item: string) {
  const detail = await json(await foghorn.api(`/api/v1/incidents/${incident}`), 200);
  return (detail.action_items as Json[]).find((i) => i.id === item) as Json;
}

async function timelineKinds(foghorn: TestFoghorn, incident: string) {
  const timeline = await json(await foghorn.api(`/api/v1/incidents/${incident}/timeline`), 200);
  return (timeline.events as Json[]).map((e) => e as { kind: string; actor: string; data: Json });
}

for (const backend of await testBackends()) {
  describe(`action items and GitHub over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let plain: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, {
        clock: new ManualClock(T0),
        env: { GITHUB_WEBHOOK_SECRET: SECRET },
      });
      plain = await startTestFoghorn(backend.kind, { clock: new ManualClock(T0) });
    });
    after(async () => {
      await foghorn?.close();
      await plain?.close();
    });

    /** An item linked to issue `number` of acme/api, as filing records it. */
    async function filedItem(number: number) {
      const { incident, item } = await declareWithItem(foghorn);
      await withTransaction(foghorn.database.db, (tx) =>
        updateActionItem(tx, item, {
          issueRepository: "acme/api",
          issueNumber: number,
          issueUrl: `https://github.com/acme/api/issues/${number}`,
          filedAt: new Date(T0),
        }),
      );
      return { incident, item };
    }

    test("closing the issue on GitHub completes the item, with who closed it on the timeline", async () => {
      const { incident, item } = await filedItem(71);
      const res = await deliver(foghorn, "issues", closed(71));
      const body = await json(res, 200);
      assert.equal(body.status, "completed");
      const after = await itemOf(foghorn, incident, item);
      assert.equal(after.status, "done");
      assert.deepEqual(after.issue, {
        repository: "acme/api",
        number: 71,
        url: "https://github.com/acme/api/issues/71",
      });
      const completed = (await timelineKinds(foghorn, incident)).filter(
        (e) => e.kind === "action_item.completed",
      );
      assert.equal(completed.length, 1);
      assert.equal(completed[0]?.actor, "github");
      assert.equal(completed[0]?.data.by, "octocat");
      assert.equal(completed[0]?.data.issue, "acme/api#71");
      // Reopened on GitHub: open again.
      assert.equal(
        (await json(await deliver(foghorn, "issues", closed(71, "reopened")), 200)).status,
        "reopened",
      );
      assert.equal((await itemOf(foghorn, incident, item)).status, "open");
    });

    test("a wrong or missing signature is 401 and changes nothing", async () => {
      const { incident, item } = await filedItem(72);
      for (const secret of ["not-the-secret", null]) {
        const res = await deliver(foghorn, "issues", closed(72), { secret });
        const problem = await json(res, 401);
        assert.equal(res.headers.get("content-type"), "application/problem+json; charset=utf-8");
        assert.match(String(problem.detail), /signature|X-Hub-Signature-256/);
      }
      // Signed over other bytes than the ones sent.
      const tampered = await fetch(`${foghorn.url}/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "issues",
          "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update("{}").digest("hex")}`,
        },
        body: JSON.stringify(closed(72)),
      });
      assert.equal(tampered.status, 401);
      assert.equal((await itemOf(foghorn, incident, item)).status, "open");
      assert.ok(!(await timelineKinds(foghorn, incident)).some((e) => e.kind === "action_item.completed"));
    });

    test("a replayed delivery acts once", async () => {
      const { incident, item } = await filedItem(73);
      const delivery = randomUUID();
      assert.equal(
        (await json(await deliver(foghorn, "issues", closed(73), { delivery }), 200)).status,
        "completed",
      );
      // Reopen in Foghorn, then the same delivery again: it must not complete the item a second time.
      await json(
        await foghorn.api(`/api/v1/incidents/${incident}/action-items/${item}`, {
          method: "PATCH",
          body: { status: "open" },
        }),
        200,
      );
      const replay = await json(await deliver(foghorn, "issues", closed(73), { delivery }), 200);
      assert.equal(replay.status, "duplicate");
      // GitHub does not sign the delivery id: the captured body under a new id is the same replay.
      const renamed = await deliver(foghorn, "issues", closed(73), { delivery: randomUUID() });
      assert.equal((await json(renamed, 200)).status, "duplicate");
      assert.equal((await itemOf(foghorn, incident, item)).status, "open");
      const completions = (await timelineKinds(foghorn, incident)).filter(
        (e) => e.kind === "action_item.completed",
      );
      assert.equal(completions.length, 1);
    });

    test("ping is 200; other events, other actions and unknown issues are 202 and do nothing", async () => {
      assert.equal(
        (await json(await deliver(foghorn, "ping", { zen: "Keep it logically awesome." }), 200)).status,
        "pong",
      );
      assert.equal(
        (await json(await deliver(foghorn, "push", { ref: "refs/heads/main" }), 202)).status,
        "ignored",
      );
      assert.equal(
        (await json(await deliver(foghorn, "issues", closed(74, "labeled")), 202)).status,
        "ignored",
      );
      const unknown = await json(await deliver(foghorn, "issues", closed(999_999)), 202);
      assert.match(String(unknown.detail), /no action item was filed as acme\/api#999999/);
      // Without a secret configured the endpoint says how to set it up.
      const off = await fetch(`${plain.url}/webhooks/github`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(off.status, 404);
      assert.match(String(((await off.json()) as Json).detail), /GITHUB_WEBHOOK_SECRET/);
    });

    test("without GitHub configured, filing is 409 saying what to set, and /backlog says so", async () => {
      const { incident } = await declareWithItem(plain);
      const res = await plain.api(`/api/v1/incidents/${incident}/action-items/file`, { body: {} });
      const problem = await json(res, 409);
      assert.equal(
        problem.detail,
        "GitHub is not configured: set GITHUB_TOKEN and GITHUB_REPOSITORY (docs/backlog.md)",
      );
      const status = await json(await plain.api("/api/v1/backlog"), 200);
      assert.deepEqual(status.github, {
        configured: false,
        repository: null,
        webhook: false,
        hint: "GitHub is not configured: set GITHUB_TOKEN and GITHUB_REPOSITORY (docs/backlog.md)",
      });
    });

    test("markdown import over HTTP creates one resolved incident once; export returns both files", async () => {
      const files = [
        { path: `${FOLDER}/incident.md`, text: fixture("incident.md") },
        { path: `${FOLDER}/action-items.md`, text: fixture("action-items.md") },
      ];
      const first = await json(
        await plain.api("/api/v1/incidents/import-markdown", { body: { files } }),
        200,
      );
      const [imported] = first.incidents as Json[];
      assert.equal(imported?.result, "imported");
      assert.equal(imported?.action_items, 4);
      const again = await json(
        await plain.api("/api/v1/incidents/import-markdown", { body: { files } }),
        200,
      );
      assert.equal((again.incidents as Json[])[0]?.result, "unchanged");
      const list = await json(await plain.api("/api/v1/incidents?status=resolved"), 200);
      assert.equal(
        (list.items as Json[]).filter((i) => i.title === "API Timeout on Bulk Requests").length,
        1,
      );

      const exported = await json(
        await plain.api(`/api/v1/incidents/${imported?.incident_id}/markdown`),
        200,
      );
      assert.equal(exported.folder, FOLDER);
      const [incidentMd, itemsMd] = exported.files as { path: string; text: string }[];
      assert.equal(incidentMd?.text.trimEnd(), fixture("incident.md").trimEnd());
      assert.match(
        String(itemsMd?.text),
        /^- Add index to `exports` table on `user_id` column — bob — p:high$/m,
      );

      const bad = await json(
        await plain.api("/api/v1/incidents/import-markdown", { body: { files: [] } }),
        422,
      );
      assert.deepEqual(bad.errors, [{ field: "files", message: "give at least one file" }]);
    });
  });
}
