// Filing an incident's action items to GitHub from the API, on both storage backends, against a local
// GitHub (real Octokit): each item once, the link recorded on the item and the timeline, a second call
// files nothing, a crash between filing and recording is healed by the marker lookup, and closing the
// issue (GitHub's signed webhook) completes the item.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { markerComment } from "#domain/backlog/issue-draft.ts";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
type FileAnswer = {
  repository: string;
  dry_run: boolean;
  items: {
    id: string;
    title: string;
    result: string;
    issue: { repository: string; number: number; url: string } | null;
  }[];
};
const SECRET = "webhook-secret-for-filing-tests";

async function json<T = Json>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as T;
}

for (const backend of await testBackends()) {
  describe(`filing action items to GitHub (${backend.kind})`, { skip: backend.skip }, () => {
    let github: FakeGitHub;
    let foghorn: TestFoghorn;
    before(async () => {
      github = await startFakeGitHub();
      foghorn = await startTestFoghorn(backend.kind, {
        clock: new ManualClock(T0),
        env: {
          GITHUB_TOKEN: github.token,
          GITHUB_REPOSITORY: github.repository,
          GITHUB_API_URL: github.url,
          GITHUB_WEBHOOK_SECRET: SECRET,
          FOGHORN_PUBLIC_URL: "https://foghorn.example.com",
        },
      });
    });
    after(async () => {
      await foghorn?.close();
      await github?.close();
    });

    async function incidentWithItems(titles: string[]): Promise<{ incident: string; items: string[] }> {
      const declared = await json(
        await foghorn.api("/api/v1/incidents", {
          body: {
            title: "API Timeout on Bulk Requests",
            severity: "SEV2",
            affected_services: [uniqueName("export")],
          },
        }),
        201,
      );
      const incident = String(declared.id);
      const items: string[] = [];
      for (const title of titles) {
        const item = await json(
          await foghorn.api(`/api/v1/incidents/${incident}/action-items`, {
            body: { title, owner: "bob", priority: "high" },
          }),
          201,
        );
        items.push(String(item.id));
        // Items list by creation time: a second apart, so they keep this order.
        (foghorn.clock as ManualClock).advance(1000);
      }
      return { incident, items };
    }

    const file = (incident: string, body: Json = {}) =>
      foghorn.api(`/api/v1/incidents/${incident}/action-items/file`, { body });
    const created = () => github.requestsTo(`POST /repos/${github.repository}/issues`).length;

    test("files each open item once, records the link and the timeline; a second call files nothing", async () => {
      const { incident, items } = await incidentWithItems([
        "Add index to `exports` table on `user_id` column",
        "Add load test for bulk export endpoint to CI",
      ]);
      const before = created();
      const dry = await json<FileAnswer>(await file(incident, { dry_run: true }), 200);
      assert.deepEqual(
        dry.items.map((i) => i.result),
        ["would-file", "would-file"],
      );
      assert.equal(created(), before, "a dry run files nothing");

      const first = await json<FileAnswer>(await file(incident), 200);
      assert.equal(first.repository, github.repository);
      assert.deepEqual(
        first.items.map((i) => [i.id, i.result]),
        items.map((id) => [id, "filed"]),
      );
      assert.equal(created(), before + 2);
      const detail = await json<{ action_items: { id: string; issue: Json | null }[] }>(
        await foghorn.api(`/api/v1/incidents/${incident}`),
        200,
      );
      for (const [i, item] of detail.action_items.entries()) {
        const answer = first.items[i];
        assert.deepEqual(item.issue, answer?.issue);
        const issue = github.issues.find((x) => x.number === answer?.issue?.number);
        assert.ok(issue, "the issue exists on GitHub");
        assert.ok(issue.body?.includes(`action-item:${item.id}`), "the body carries the item's marker");
        assert.ok(
          issue.body?.includes(`https://foghorn.example.com/incidents/${incident}`),
          "links the incident",
        );
        assert.deepEqual(issue.assignees, ["bob"]);
      }
      const timeline = await json<{ events: { kind: string; data: Json }[] }>(
        await foghorn.api(`/api/v1/incidents/${incident}/timeline`),
        200,
      );
      const filed = timeline.events.filter((e) => e.kind === "action_item.filed");
      assert.deepEqual(
        filed.map((e) => e.data.number),
        first.items.map((i) => i.issue?.number),
      );

      const second = await json<FileAnswer>(await file(incident), 200);
      assert.deepEqual(second.items, [], "nothing left to file");
      const named = await json<FileAnswer>(await file(incident, { item_ids: items }), 200);
      assert.deepEqual(
        named.items.map((i) => i.result),
        ["already-filed", "already-filed"],
      );
      assert.equal(created(), before + 2, "nothing filed twice");
    });

    test("an issue filed before a crash (never recorded) is found by its marker and linked, not filed again", async () => {
      const { incident, items } = await incidentWithItems([
        "Add query timeout < 5s to API middleware",
        "Write a runbook",
      ]);
      // What a crash between GitHub's answer and the recording transaction leaves behind.
      const orphan = github.addIssue({
        title: "Add query timeout < 5s to API middleware",
        labels: ["task", "p:high"],
        body: `From incident\n\n${markerComment(`action-item:${items[0]}`)}`,
      });
      const before = created();
      const again = await json<FileAnswer>(await file(incident), 200);
      assert.deepEqual(
        again.items.map((i) => [i.id, i.result, i.issue?.number ?? null]),
        [
          [items[0], "existing", orphan.number],
          [items[1], "filed", again.items[1]?.issue?.number ?? null],
        ],
      );
      assert.equal(created(), before + 1, "only the other item is filed");
      const detail = await json<{ action_items: { id: string; issue: { number: number } | null }[] }>(
        await foghorn.api(`/api/v1/incidents/${incident}`),
        200,
      );
      assert.equal(detail.action_items.find((i) => i.id === items[0])?.issue?.number, orphan.number);
    });

    test("closing the filed issue on GitHub completes the item", async () => {
      const { incident, items } = await incidentWithItems(["Alert on export duration"]);
      const answer = await json<FileAnswer>(await file(incident), 200);
      const number = answer.items[0]?.issue?.number;
      assert.ok(number);
      const body = JSON.stringify({
        action: "closed",
        issue: { number, state: "closed", state_reason: "completed" },
        repository: { full_name: github.repository },
        sender: { login: "bob" },
      });
      const res = await fetch(`${foghorn.url}/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "issues",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
        },
        body,
      });
      assert.equal(res.status, 200, await res.clone().text());
      const detail = await json<{ action_items: { id: string; status: string }[] }>(
        await foghorn.api(`/api/v1/incidents/${incident}`),
        200,
      );
      assert.equal(detail.action_items.find((i) => i.id === items[0])?.status, "done");
      assert.deepEqual(github.unexpected, []);
    });
  });
}
