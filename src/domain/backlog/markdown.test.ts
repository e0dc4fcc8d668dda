import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  incidentFolderRef,
  isParseIssue,
  parseActionItems,
  parseIncidentFolder,
  parseIncidentMarkdown,
} from "./markdown.ts";

// Seed 000's example files, verbatim.
const SEED_DIR = "test/fixtures/scraut/.scraut/sprint/001/incidents/2026-05-24-api-timeout";
const seedFile = (name: string) =>
  readFileSync(new URL(`../../../${SEED_DIR}/${name}`, import.meta.url), "utf8");

describe("incident folders", () => {
  test("the seed's folder, given as the folder or a file inside it", () => {
    for (const path of [
      ".scraut/sprint/001/incidents/2026-05-24-api-timeout",
      ".scraut/sprint/001/incidents/2026-05-24-api-timeout/",
      ".scraut/sprint/001/incidents/2026-05-24-api-timeout/action-items.md",
    ]) {
      assert.deepEqual(parseIncidentFolder(path), {
        path: ".scraut/sprint/001/incidents/2026-05-24-api-timeout",
        sprint: { text: "001", number: 1 },
        date: "2026-05-24",
        slug: "api-timeout",
      });
    }
  });

  test("an absolute path, a checkout below the repository, Windows separators", () => {
    const folder = parseIncidentFolder(
      "C:\\work\\repo\\.scraut\\sprint\\12\\incidents\\2026-01-31-db-down\\incident.md",
    );
    assert.ok(!isParseIssue(folder));
    assert.equal(folder.path, "C:/work/repo/.scraut/sprint/12/incidents/2026-01-31-db-down");
    assert.deepEqual(folder.sprint, { text: "12", number: 12 });
    assert.equal(incidentFolderRef(folder), ".scraut/sprint/12/incidents/2026-01-31-db-down");
  });

  test("a configured root, including the repository root itself", () => {
    const folder = parseIncidentFolder("docs/incidents/sprint/3/incidents/2026-02-01-x", "./docs/incidents/");
    assert.ok(!isParseIssue(folder));
    assert.equal(
      incidentFolderRef(folder, "docs/incidents"),
      "docs/incidents/sprint/3/incidents/2026-02-01-x",
    );
    const top = parseIncidentFolder("sprint/003/incidents/2026-02-01-x", ".");
    assert.ok(!isParseIssue(top));
    assert.equal(incidentFolderRef(top, "."), "sprint/003/incidents/2026-02-01-x");
  });

  test("anything else names the expected layout", () => {
    for (const path of [
      ".scraut/sprint/001/2026-05-24-api-timeout",
      ".scraut/sprint/001/incidents/2026-02-30-bad-date",
      ".scraut/sprint/001/incidents/api-timeout",
      "other/sprint/001/incidents/2026-05-24-x",
    ]) {
      const issue = parseIncidentFolder(path);
      assert.ok(isParseIssue(issue), path);
      assert.equal(issue.level, "error");
      assert.equal(issue.file, path);
      assert.match(issue.message, /expected "\.scraut\/sprint\/NN\/incidents\/YYYY-MM-DD-slug\/"/);
    }
  });
});

describe("incident.md", () => {
  test("seed 000's incident report", () => {
    const { incident, issues } = parseIncidentMarkdown("incident.md", seedFile("incident.md"));
    assert.deepEqual(issues, []);
    assert.deepEqual(incident, {
      file: "incident.md",
      title: "API Timeout on Bulk Requests",
      date: "2026-05-24",
      severity: "High",
      duration: "14:00–14:45 UTC (45 minutes)",
      impact: "All users performing bulk exports timed out",
      timeline: [
        "14:00 — Alert fired: p95 API response > 30s",
        "14:05 — Bob identified the bulk export endpoint as the culprit",
        "14:22 — Rolled back bulk export feature flag",
        "14:45 — Service restored",
      ],
      rootCause:
        "The bulk export query was scanning a full table without index (added in #201 last week).\n" +
        "The missing index caused query time to scale with dataset size.",
      resolution: "Feature flag rolled back. Index will be added before re-enabling.",
    });
  });

  test("missing pieces are warnings with the line where they were expected", () => {
    const text = [
      "# API Timeout",
      "",
      "**Severity:** High",
      "",
      "## Timeline",
      "",
      "## Root cause",
      "Slow query.",
    ].join("\n");
    const { incident, issues } = parseIncidentMarkdown("x/incident.md", text);
    assert.equal(incident?.title, "API Timeout");
    assert.equal(incident?.date, "");
    assert.deepEqual(
      issues.map((i) => `${i.level} ${i.line}: ${i.message}`),
      [
        'warning 1: expected the title line "# Incident: <title> — <YYYY-MM-DD>"',
        `warning 1: no date in the title: expected "— <YYYY-MM-DD>" at its end; using the folder's date`,
        'warning 2: no Duration: expected "**Duration:** …" after the title',
        'warning 2: no Impact: expected "**Impact:** …" after the title',
        'warning 5: the "## Timeline" section is empty',
        'warning 8: no "## Resolution" section',
      ],
    );
  });

  test("an empty file is an error and no incident", () => {
    const { incident, issues } = parseIncidentMarkdown("incident.md", "\n \n");
    assert.equal(incident, null);
    assert.equal(issues[0]?.level, "error");
  });

  test("dash styles in the title, CRLF line ends", () => {
    const { incident } = parseIncidentMarkdown(
      "i.md",
      "# Incident: DB down -- 2026-01-02\r\n**Impact**: none\r\n",
    );
    assert.equal(incident?.title, "DB down");
    assert.equal(incident?.date, "2026-01-02");
    assert.equal(incident?.impact, "none");
  });
});

describe("action-items.md", () => {
  test("seed 000's four action items", () => {
    const parsed = parseActionItems("action-items.md", seedFile("action-items.md"));
    assert.equal(parsed.title, "Action Items — API Timeout Incident");
    assert.deepEqual(parsed.issues, []);
    assert.deepEqual(
      parsed.items.map((i) => [i.line, i.action, i.owner, i.priority, i.type, i.typeExplicit]),
      [
        [3, "Add index to `exports` table on `user_id` column", "Bob", "high", "task", false],
        [4, "Add load test for bulk export endpoint to CI", "Charlie", "medium", "task", false],
        [5, "Add query timeout < 5s to API middleware", "Alice", "medium", "task", false],
        [6, "Write runbook for bulk export rollback procedure", "Charlie", "low", "task", false],
      ],
    );
  });

  test("separators: en dash, hyphen, double hyphen, extra spaces; hyphens inside words stay", () => {
    const text = [
      "- Re-run the re-index job – Bob – p:high",
      "-   Fix the crash   --   Alice   --   p:low  ",
      "- Add retry - with backoff — Carol — p:medium",
      "* Rotate keys - Dave - p:HIGH",
    ].join("\n");
    const { items, issues } = parseActionItems("a.md", text);
    assert.deepEqual(issues, []);
    assert.deepEqual(
      items.map((i) => [i.action, i.owner, i.priority, i.type]),
      [
        ["Re-run the re-index job", "Bob", "high", "task"],
        ["Fix the crash", "Alice", "low", "bug"],
        ["Add retry - with backoff", "Carol", "medium", "task"],
        ["Rotate keys", "Dave", "high", "task"],
      ],
    );
  });

  test("an explicit type anywhere in the bullet wins over the wording", () => {
    const text = [
      "- Add index to exports — Bob — p:high — type:bug",
      "- type:task Fix the dashboard colours — Alice — p:low",
      "- Tidy logs type:bug — Carol",
    ].join("\n");
    const { items } = parseActionItems("a.md", text);
    assert.deepEqual(
      items.map((i) => [i.action, i.owner, i.type, i.typeExplicit]),
      [
        ["Add index to exports", "Bob", "bug", true],
        ["Fix the dashboard colours", "Alice", "task", true],
        ["Tidy logs", "Carol", "bug", true],
      ],
    );
  });

  test("missing owner or priority: defaults, each a warning with its line", () => {
    const text = ["# Items", "", "- Add index — p:high", "- Add load test — Charlie", "- Write runbook"].join(
      "\n",
    );
    const { items, issues } = parseActionItems("a.md", text);
    assert.deepEqual(
      items.map((i) => [i.line, i.action, i.owner, i.priority]),
      [
        [3, "Add index", null, "high"],
        [4, "Add load test", "Charlie", "medium"],
        [5, "Write runbook", null, "medium"],
      ],
    );
    assert.deepEqual(
      issues.map((i) => `${i.file}:${i.line} ${i.level} ${i.message.split(":")[0]}`),
      [
        "a.md:3 warning no owner",
        "a.md:4 warning no priority",
        "a.md:5 warning no owner",
        "a.md:5 warning no priority",
      ],
    );
  });

  test("malformed lines are errors naming file, line and the grammar; the rest goes through", () => {
    const text = [
      "# Action Items",
      "- — Bob — p:high",
      "- Add index — Bob — p:urgent",
      "- Add load test — Charlie — p:medium",
      "- Tidy — Bob — type:chore",
      "-   ",
      "- Write runbook — Charlie — p:low",
    ].join("\n");
    const { items, issues } = parseActionItems("x/action-items.md", text);
    assert.deepEqual(
      items.map((i) => i.line),
      [4, 7],
    );
    const grammar = '; expected "- <action> — <Owner> — p:<high|medium|low>"';
    assert.deepEqual(
      issues.map((i) => [i.file, i.line, i.level, i.message]),
      [
        ["x/action-items.md", 2, "error", `no action before the first separator${grammar}`],
        [
          "x/action-items.md",
          3,
          "error",
          `unknown priority "p:urgent" (p:high, p:medium or p:low)${grammar}`,
        ],
        ["x/action-items.md", 5, "error", `unknown type "type:chore" (type:bug or type:task)${grammar}`],
        ["x/action-items.md", 6, "error", `empty bullet${grammar}`],
      ],
    );
  });

  test("inline code is kept and never split or read as a token", () => {
    const text = "- Set `retry - max` to `p:3` and `a -- b` — Bob — p:low";
    const { items, issues } = parseActionItems("a.md", text);
    assert.deepEqual(issues, []);
    assert.equal(items[0]?.action, "Set `retry - max` to `p:3` and `a -- b`");
    assert.equal(items[0]?.owner, "Bob");
  });

  test("wrapped bullets, checkboxes, numbered lists; code fences and nested bullets are not items", () => {
    const text = [
      "1. Add index to `exports`",
      "   on `user_id` — Bob — p:high",
      "- [ ] Add load test — Charlie — p:medium",
      "  - a note about the load test",
      "```",
      "- not an item — Bob — p:high",
      "```",
      "<!-- - hidden — Bob — p:low -->",
    ].join("\n");
    const { items, issues } = parseActionItems("a.md", text);
    assert.deepEqual(
      items.map((i) => [i.line, i.action, i.owner]),
      [
        [1, "Add index to `exports` on `user_id`", "Bob"],
        [3, "Add load test", "Charlie"],
      ],
    );
    assert.deepEqual(
      issues.map((i) => [i.line, i.level]),
      [[4, "warning"]],
    );
  });

  test("a long phrase after a hyphen is action text, not an owner", () => {
    const { items } = parseActionItems("a.md", "- Add index - on the user id column of exports");
    assert.equal(items[0]?.action, "Add index - on the user id column of exports");
    assert.equal(items[0]?.owner, null);
  });

  test("a file without bullets says so", () => {
    const { items, issues } = parseActionItems("a.md", "# Action Items\n\nNothing yet.\n");
    assert.deepEqual(items, []);
    assert.equal(issues[0]?.level, "warning");
    assert.match(issues[0]?.message ?? "", /no action items found/);
  });
});
