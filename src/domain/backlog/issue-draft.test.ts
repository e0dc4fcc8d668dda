import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { templateEnrichment } from "./enrichment.ts";
import {
  githubLogin,
  issueLabels,
  labelDefinitions,
  markerComment,
  readMarkers,
  renderIssueDraft,
  sprintLabel,
} from "./issue-draft.ts";
import { actionSlug, backlogItemsFrom } from "./items.ts";
import {
  incidentFolderRef,
  isParseIssue,
  parseActionItems,
  parseIncidentFolder,
  parseIncidentMarkdown,
} from "./markdown.ts";
import type { BacklogItem, IncidentFolder } from "./types.ts";

const SEED_DIR = "test/fixtures/scraut/.scraut/sprint/001/incidents/2026-05-24-api-timeout";
const seedFile = (name: string) =>
  readFileSync(new URL(`../../../${SEED_DIR}/${name}`, import.meta.url), "utf8");

function seedFolder(): IncidentFolder {
  const folder = parseIncidentFolder(SEED_DIR);
  assert.ok(!isParseIssue(folder));
  return folder;
}

function seedItems(): BacklogItem[] {
  const folder = seedFolder();
  const { incident } = parseIncidentMarkdown("incident.md", seedFile("incident.md"));
  const { items } = parseActionItems("action-items.md", seedFile("action-items.md"));
  return backlogItemsFrom(folder, incident, items, `${incidentFolderRef(folder)}/incident.md`);
}

describe("backlog items from an incident folder", () => {
  test("seed 000: four items, markers from the folder and the action, the next sprint", () => {
    const items = seedItems();
    assert.deepEqual(
      items.map((i) => [i.marker, i.owner, i.priority, i.type, i.nextSprint, i.sprintDigits]),
      [
        [
          ".scraut/sprint/001/incidents/2026-05-24-api-timeout#add-index-to-exports-table-on-user-id-column",
          "Bob",
          "high",
          "task",
          2,
          3,
        ],
        [
          ".scraut/sprint/001/incidents/2026-05-24-api-timeout#add-load-test-for-bulk-export-endpoint-to-ci",
          "Charlie",
          "medium",
          "task",
          2,
          3,
        ],
        [
          ".scraut/sprint/001/incidents/2026-05-24-api-timeout#add-query-timeout-5s-to-api-middleware",
          "Alice",
          "medium",
          "task",
          2,
          3,
        ],
        [
          ".scraut/sprint/001/incidents/2026-05-24-api-timeout#write-runbook-for-bulk-export-rollback-procedure",
          "Charlie",
          "low",
          "task",
          2,
          3,
        ],
      ],
    );
    assert.deepEqual(items[0]?.incident, {
      title: "API Timeout on Bulk Requests",
      date: "2026-05-24",
      reference: ".scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md",
      rootCause:
        "The bulk export query was scanning a full table without index (added in #201 last week).\n" +
        "The missing index caused query time to scale with dataset size.",
      impact: "All users performing bulk exports timed out",
    });
    assert.deepEqual(items[0]?.source, { file: "action-items.md", line: 3 });
  });

  test("equal actions get distinct markers; without incident.md the folder names the incident", () => {
    const { items } = parseActionItems("a.md", "- Add alert — Bob — p:low\n- Add alert — Alice — p:low");
    const built = backlogItemsFrom(seedFolder(), null, items, ".scraut/x/action-items.md");
    assert.deepEqual(
      built.map((i) => i.marker),
      [".scraut/x#add-alert", ".scraut/x#add-alert-2"],
    );
    assert.equal(built[0]?.incident.title, "api timeout");
    assert.equal(built[0]?.incident.date, "2026-05-24");
  });

  test("action slugs: lower case, punctuation and code marks dropped, long ones cut at a word", () => {
    assert.equal(
      actionSlug("Add query timeout < 5s to API middleware"),
      "add-query-timeout-5s-to-api-middleware",
    );
    assert.equal(actionSlug("Réparer l'index `user_id`"), "reparer-l-index-user-id");
    const long = actionSlug(
      "Add a very long action text that goes on and on about many different things to do",
    );
    assert.ok(long.length <= 60 && !long.endsWith("-"), long);
    assert.equal(actionSlug("!!!"), "item");
  });
});

describe("issue drafts", () => {
  test("seed 000's issue #71, with the words the model wrote there", () => {
    const [first] = seedItems();
    assert.ok(first);
    const draft = renderIssueDraft(first, {
      title: "Add database index to exports table",
      description:
        "During the 2026-05-24 API timeout incident, the bulk export query scanned\n" +
        "the full exports table. Adding an index on user_id will reduce query time.",
      acceptanceCriteria: [
        "Index added: CREATE INDEX idx_exports_user_id ON exports(user_id)",
        "Query time for 10k-row export < 100ms",
        "Migration tested in staging before production",
      ],
      by: "ai",
    });
    assert.equal(draft.title, "Add database index to exports table");
    assert.equal(
      draft.body,
      `**From incident:** API Timeout on Bulk Requests 2026-05-24
**Priority:** p:high
**Assignee:** bob

## Description
During the 2026-05-24 API timeout incident, the bulk export query scanned
the full exports table. Adding an index on user_id will reduce query time.

## Acceptance Criteria
- [ ] Index added: CREATE INDEX idx_exports_user_id ON exports(user_id)
- [ ] Query time for 10k-row export < 100ms
- [ ] Migration tested in staging before production

## References
- Incident report: .scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md

<!-- foghorn:backlog .scraut/sprint/001/incidents/2026-05-24-api-timeout#add-index-to-exports-table-on-user-id-column -->`,
    );
    assert.deepEqual(draft.labels, ["task", "p:high", "sprint:002"]);
    assert.deepEqual(draft.assignees, ["bob"]);
    assert.equal(draft.marker, first.marker);
  });

  test("seed 000's four items through the template enrichment: #71's shape, labels and assignees", () => {
    const drafts = seedItems().map((item) => renderIssueDraft(item, templateEnrichment(item)));
    assert.deepEqual(
      drafts.map((d) => [d.labels, d.assignees]),
      [
        [["task", "p:high", "sprint:002"], ["bob"]],
        [["task", "p:medium", "sprint:002"], ["charlie"]],
        [["task", "p:medium", "sprint:002"], ["alice"]],
        [["task", "p:low", "sprint:002"], ["charlie"]],
      ],
    );
    for (const draft of drafts) {
      const headings = draft.body
        .split("\n")
        .filter((line) => /^(\*\*|## |- \[ \] |- Incident report|<!--)/.test(line));
      assert.match(headings[0] ?? "", /^\*\*From incident:\*\* API Timeout on Bulk Requests 2026-05-24$/);
      assert.match(headings[1] ?? "", /^\*\*Priority:\*\* p:(high|medium|low)$/);
      assert.match(headings[2] ?? "", /^\*\*Assignee:\*\* (bob|charlie|alice)$/);
      assert.equal(headings[3], "## Description");
      assert.equal(headings[4], "## Acceptance Criteria");
      assert.ok(headings.some((line) => line.startsWith("- [ ] ")));
      assert.ok(
        draft.body.includes(
          "## References\n- Incident report: .scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md",
        ),
      );
      assert.deepEqual(readMarkers(draft.body), [draft.marker]);
      assert.ok(draft.body.endsWith(markerComment(draft.marker)));
    }
  });

  test("owners: case-insensitive by default, a map overrides, names that are no login stay unassigned", () => {
    assert.equal(githubLogin("Bob"), "bob");
    assert.equal(githubLogin("@Carol"), "carol");
    assert.equal(githubLogin("Bob", { bob: "bob-gh" }), "bob-gh");
    assert.equal(githubLogin("BOB", { Bob: "@bob-gh" }), "bob-gh");
    assert.equal(githubLogin("Alice Smith"), null);
    assert.equal(githubLogin("Alice Smith", { "alice smith": "asmith" }), "asmith");
    assert.equal(githubLogin(null), null);
    const [first] = seedItems();
    assert.ok(first);
    const enriched = templateEnrichment(first);
    const mapped = renderIssueDraft(first, enriched, { Bob: "bob-gh" });
    assert.deepEqual(mapped.assignees, ["bob-gh"]);
    assert.match(mapped.body, /^\*\*Assignee:\*\* bob-gh$/m);
    const named = renderIssueDraft({ ...first, owner: "Alice Smith" }, enriched);
    assert.deepEqual(named.assignees, []);
    assert.match(named.body, /^\*\*Assignee:\*\* Alice Smith \(no GitHub login known\)$/m);
    const nobody = renderIssueDraft({ ...first, owner: null }, enriched);
    assert.match(nobody.body, /^\*\*Assignee:\*\* unassigned$/m);
  });

  test("labels: type, priority, the sprint padded like the folder; definitions for creating them", () => {
    assert.equal(sprintLabel(2, 3), "sprint:002");
    assert.equal(sprintLabel(13, 2), "sprint:13");
    assert.equal(sprintLabel(100, 3), "sprint:100");
    const [first] = seedItems();
    assert.ok(first);
    assert.deepEqual(issueLabels({ ...first, type: "bug", nextSprint: null }), ["bug", "p:high"]);
    assert.deepEqual(labelDefinitions(["task", "p:high", "sprint:002", "task"]), [
      { name: "task", color: "1d76db", description: "Planned work" },
      { name: "p:high", color: "b60205", description: "Priority: high" },
      { name: "sprint:002", color: "c5def5", description: "Planned for sprint 2" },
    ]);
  });

  test("markers are read back from a body among other text", () => {
    assert.deepEqual(readMarkers(null), []);
    assert.deepEqual(readMarkers(`text\n${markerComment("a/b#c d")}\nmore`), ["a/b#c d"]);
  });
});
