// The deterministic enrichment template on seed 000's four action items, and the check of a model's answer.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  describeItemForPrompt,
  issueTitleFromAction,
  readEnrichmentAnswer,
  TITLE_MAX,
  templateEnrichment,
} from "./enrichment.ts";
import type { BacklogItem } from "./types.ts";

const INCIDENT: BacklogItem["incident"] = {
  title: "API Timeout on Bulk Requests",
  date: "2026-05-24",
  reference: ".scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md",
  rootCause:
    "The bulk export query was scanning a full table without index (added in #201 last week).\nThe missing index caused query time to scale with dataset size.",
  impact: "All users performing bulk exports timed out",
};

function item(action: string, overrides: Partial<BacklogItem> = {}): BacklogItem {
  return {
    marker: `.scraut/sprint/001/incidents/2026-05-24-api-timeout#${action.slice(0, 10)}`,
    action,
    owner: "Bob",
    priority: "medium",
    type: "task",
    incident: INCIDENT,
    nextSprint: 2,
    ...overrides,
  };
}

const CAUSE =
  "During the 2026-05-24 API Timeout on Bulk Requests incident, the bulk export query was scanning a full table without index (added in #201 last week).";

describe("enrichment template on seed 000's action items", () => {
  test("the index item: title as written, seed-style description, migration and timing criteria", () => {
    const enriched = templateEnrichment(item("Add index to `exports` table on `user_id` column"));
    assert.deepEqual(enriched, {
      title: "Add index to `exports` table on `user_id` column",
      description: `${CAUSE} Add index to \`exports\` table on \`user_id\` column.`,
      acceptanceCriteria: [
        "Added: index to `exports` table on `user_id` column",
        "Migration tested in staging before production",
        "Query or response time measured before and after the change, with the numbers on this issue",
      ],
      by: "template",
    });
  });

  test("the load test item runs in CI", () => {
    const enriched = templateEnrichment(item("Add load test for bulk export endpoint to CI"));
    assert.equal(enriched.title, "Add load test for bulk export endpoint to CI");
    assert.equal(enriched.description, `${CAUSE} Add load test for bulk export endpoint to CI.`);
    assert.deepEqual(enriched.acceptanceCriteria, [
      "Added: load test for bulk export endpoint to CI",
      "Runs in CI on every pull request and fails the build on a regression",
    ]);
  });

  test("the timeout item is tested at its limit and verified in staging", () => {
    const enriched = templateEnrichment(item("Add query timeout < 5s to API middleware"));
    assert.equal(enriched.title, "Add query timeout < 5s to API middleware");
    assert.deepEqual(enriched.acceptanceCriteria, [
      "Added: query timeout < 5s to API middleware",
      "A test covers the limit being reached: the request fails cleanly with a clear error",
      "Verified in staging before production",
    ]);
  });

  test("the runbook item is reviewed and walked through, not 'verified in staging'", () => {
    const enriched = templateEnrichment(item("Write runbook for bulk export rollback procedure"));
    assert.equal(enriched.title, "Write runbook for bulk export rollback procedure");
    assert.deepEqual(enriched.acceptanceCriteria, [
      "Written: runbook for bulk export rollback procedure",
      "Reviewed by another team member and linked where the on-call looks first",
      "Walked through once (a dry run) by someone who did not write it",
    ]);
  });

  test("every seed item gets 2 to 4 criteria and no fallback reason", () => {
    for (const action of [
      "Add index to `exports` table on `user_id` column",
      "Add load test for bulk export endpoint to CI",
      "Add query timeout < 5s to API middleware",
      "Write runbook for bulk export rollback procedure",
    ]) {
      const enriched = templateEnrichment(item(action));
      assert.ok(enriched.acceptanceCriteria.length >= 2 && enriched.acceptanceCriteria.length <= 4, action);
      assert.equal("fallbackReason" in enriched, false);
    }
  });
});

describe("enrichment template rules", () => {
  test("a bug gets a regression test criterion", () => {
    const enriched = templateEnrichment(item("fix the flaky deploy script.", { type: "bug" }));
    assert.equal(enriched.title, "Fix the flaky deploy script");
    assert.deepEqual(enriched.acceptanceCriteria, [
      "Fixed: the flaky deploy script",
      "A regression test covers it: it fails before the fix and passes after",
      "Verified in staging before production",
    ]);
  });

  test("an unknown verb is 'Done: <action>'", () => {
    const enriched = templateEnrichment(item("Page the database team on replica lag"));
    assert.equal(enriched.acceptanceCriteria[0], "Done: Page the database team on replica lag");
  });

  test("without a root cause the description says where the item came from", () => {
    const enriched = templateEnrichment(
      item("Add retries to the webhook sender", { incident: { ...INCIDENT, rootCause: "  " } }),
    );
    assert.equal(
      enriched.description,
      "Follow-up from the 2026-05-24 API Timeout on Bulk Requests incident. Add retries to the webhook sender.",
    );
  });

  test("a platform item's own description follows as its own paragraph, and goes to the model too", () => {
    const withDetails = item("Add retries to the webhook sender", {
      details: "Three attempts with backoff; the sender dropped 40 events during the incident.",
    });
    assert.match(
      templateEnrichment(withDetails).description,
      /Add retries to the webhook sender\.\n\nThree attempts with backoff; the sender dropped 40 events during the incident\.$/,
    );
    assert.match(describeItemForPrompt(withDetails), /^Details: Three attempts with backoff/m);
    assert.doesNotMatch(describeItemForPrompt(item("Add retries to the webhook sender")), /Details:/);
  });

  test("a title named '… incident' is not doubled, and an acronym keeps its capital", () => {
    const enriched = templateEnrichment(
      item("Add alert on queue depth", {
        incident: {
          ...INCIDENT,
          title: "Queue backlog incident",
          rootCause: "SQS consumers crashed. More text.",
        },
      }),
    );
    assert.equal(
      enriched.description,
      "During the 2026-05-24 Queue backlog incident, SQS consumers crashed. Add alert on queue depth.",
    );
  });

  test("the fallback reason is carried when given", () => {
    const enriched = templateEnrichment(
      item("Add alert on queue depth"),
      "the AI model did not answer within 20 s",
    );
    assert.equal(enriched.fallbackReason, "the AI model did not answer within 20 s");
  });

  test("titles: lead-ins dropped, trailing period removed, cut at a word within 80 characters", () => {
    assert.equal(
      issueTitleFromAction("  We should   add a `LIMIT` to the export query. "),
      "Add a `LIMIT` to the export query",
    );
    assert.equal(issueTitleFromAction("TODO: document the rollback"), "Document the rollback");
    const long = `Rotate the leaked key and make sure every service that used the old key is redeployed ${"again ".repeat(10)}`;
    const title = issueTitleFromAction(long);
    assert.ok(title.length <= TITLE_MAX, title);
    assert.match(title, /^Rotate the leaked key and make sure every service .*[a-z]…$/);
    const code = issueTitleFromAction(
      `Add index ${"x".repeat(30)} on \`a_very_long_column_name_that_goes_past_the_limit\``,
    );
    assert.equal((code.match(/`/g) ?? []).length % 2, 0, `backticks stay balanced: ${code}`);
  });
});

describe("model answers", () => {
  const good = {
    title: "Add database index to exports table.",
    description: "During the 2026-05-24 API timeout incident, the bulk export query scanned the full table.",
    acceptance_criteria: ["- [ ] Index added", "Query time for 10k-row export < 100ms"],
  };

  test("a good answer is read, with checkboxes and the title's period removed", () => {
    assert.deepEqual(readEnrichmentAnswer(good), {
      ok: true,
      title: "Add database index to exports table",
      description: good.description,
      acceptanceCriteria: ["Index added", "Query time for 10k-row export < 100ms"],
    });
  });

  test("a missing or malformed field is refused with the field named", () => {
    const missing = readEnrichmentAnswer({ title: good.title, description: good.description });
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? "" : missing.reason, /^acceptance_criteria: /);
    const tooMany = readEnrichmentAnswer({ ...good, acceptance_criteria: Array(9).fill("done") });
    assert.match(tooMany.ok ? "" : tooMany.reason, /acceptance_criteria: expected 1 to 8 criteria/);
    const shortTitle = readEnrichmentAnswer({ ...good, title: "Fix" });
    assert.match(shortTitle.ok ? "" : shortTitle.reason, /title: expected 5 to 120 characters/);
    const longCriterion = readEnrichmentAnswer({ ...good, acceptance_criteria: ["x".repeat(301)] });
    assert.match(
      longCriterion.ok ? "" : longCriterion.reason,
      /acceptance_criteria\.0: expected at most 300/,
    );
    assert.equal(readEnrichmentAnswer({ ...good, description: " " }).ok, false);
  });

  test("the prompt names the item and the incident", () => {
    const text = describeItemForPrompt(
      item("Add index to `exports` table on `user_id` column", { priority: "high" }),
    );
    assert.match(text, /^Action item: Add index to `exports` table on `user_id` column$/m);
    assert.match(text, /^Priority: p:high$/m);
    assert.match(text, /^Owner: Bob$/m);
    assert.match(text, /^Incident: API Timeout on Bulk Requests \(2026-05-24\)$/m);
    assert.match(text, /^Root cause: The bulk export query/m);
    assert.match(text, /^Impact: All users performing bulk exports timed out$/m);
  });
});
