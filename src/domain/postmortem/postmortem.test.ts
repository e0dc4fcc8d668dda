import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_SEVERITY_POLICY } from "../incident/severity.ts";
import { HOUR } from "../time.ts";
import {
  BLAMELESS_LINE,
  PLACEHOLDER,
  postmortemFileName,
  type RenderInput,
  renderPostmortem,
} from "./render.ts";
import { emptySections, FiveWhysInput, mergeSections, parseWhyLine, SectionsInput } from "./sections.ts";
import {
  decidePostmortemMove,
  isPostmortemOverdue,
  postmortemDueAt,
  postmortemReminderDue,
} from "./status.ts";

describe("postmortem status machine", () => {
  test("draft → in_review → published, with rework and reopen", () => {
    assert.equal(decidePostmortemMove("draft", "in_review").ok, true);
    assert.equal(decidePostmortemMove("in_review", "published").ok, true);
    assert.equal(decidePostmortemMove("in_review", "draft").ok, true);
    assert.equal(decidePostmortemMove("published", "draft").ok, true);
  });
  test("refused moves name the allowed ones", () => {
    const skip = decidePostmortemMove("draft", "published");
    assert.equal(skip.ok, false);
    assert.ok(!skip.ok && skip.allowed.join() === "in_review");
    assert.match(!skip.ok ? skip.reason : "", /submit it for review/);
    const same = decidePostmortemMove("published", "published");
    assert.ok(!same.ok && same.allowed.join() === "draft" && /already published/.test(same.reason));
    const back = decidePostmortemMove("published", "in_review");
    assert.ok(!back.ok && back.allowed.join() === "draft");
  });
});

describe("postmortem due rule", () => {
  const resolvedAt = new Date("2026-05-24T14:45:00Z");
  test("SEV1 and SEV2 are due 48 h after resolution; SEV3 (lightweight) and SEV4 have no due date", () => {
    for (const severity of ["SEV1", "SEV2"] as const)
      assert.equal(
        postmortemDueAt({ severity, resolvedAt }, DEFAULT_SEVERITY_POLICY)?.toISOString(),
        "2026-05-26T14:45:00.000Z",
      );
    assert.equal(postmortemDueAt({ severity: "SEV3", resolvedAt }, DEFAULT_SEVERITY_POLICY), null);
    assert.equal(postmortemDueAt({ severity: "SEV4", resolvedAt }, DEFAULT_SEVERITY_POLICY), null);
    assert.equal(postmortemDueAt({ severity: "SEV1", resolvedAt: null }, DEFAULT_SEVERITY_POLICY), null);
  });
  test("the policy's hours are used", () => {
    const policy = {
      ...DEFAULT_SEVERITY_POLICY,
      SEV2: { ...DEFAULT_SEVERITY_POLICY.SEV2, postmortemDueHours: 72 },
    };
    assert.equal(
      postmortemDueAt({ severity: "SEV2", resolvedAt }, policy)?.toISOString(),
      "2026-05-27T14:45:00.000Z",
    );
  });
  test("overdue once due passes, until published or the incident is closed", () => {
    const dueAt = new Date(resolvedAt.getTime() + 48 * HOUR);
    const after = new Date(dueAt.getTime() + 1);
    const before = new Date(dueAt.getTime() - 1);
    assert.equal(isPostmortemOverdue({ dueAt, status: "draft", incidentStatus: "resolved" }, before), false);
    assert.equal(isPostmortemOverdue({ dueAt, status: "draft", incidentStatus: "resolved" }, after), true);
    assert.equal(isPostmortemOverdue({ dueAt, status: null, incidentStatus: "resolved" }, after), true);
    assert.equal(
      isPostmortemOverdue({ dueAt, status: "published", incidentStatus: "resolved" }, after),
      false,
    );
    assert.equal(isPostmortemOverdue({ dueAt, status: "draft", incidentStatus: "postmortem" }, after), false);
    assert.equal(
      isPostmortemOverdue({ dueAt: null, status: null, incidentStatus: "resolved" }, after),
      false,
    );
  });
  test("reminders at most once every 24 h", () => {
    const now = new Date("2026-05-27T00:00:00Z");
    assert.equal(postmortemReminderDue(null, now), true);
    assert.equal(postmortemReminderDue(new Date(now.getTime() - 23 * HOUR), now), false);
    assert.equal(postmortemReminderDue(new Date(now.getTime() - 24 * HOUR), now), true);
  });
});

describe("postmortem sections", () => {
  test("five whys accept pairs or seed 001's lines, at most five", () => {
    assert.deepEqual(parseWhyLine("Why did users see 500 errors? → Because the backend returned errors."), {
      why: "Why did users see 500 errors?",
      because: "Because the backend returned errors.",
    });
    assert.deepEqual(parseWhyLine("Why? -> Because."), { why: "Why?", because: "Because." });
    assert.deepEqual(FiveWhysInput.parse(["Why a? → Because b", { why: "Why c?", because: "" }, ""]), [
      { why: "Why a?", because: "Because b" },
      { why: "Why c?", because: "" },
    ]);
    assert.equal(FiveWhysInput.safeParse(["1", "2", "3", "4", "5", "6"]).success, false);
  });
  test("length limits and unknown fields are refused", () => {
    assert.equal(SectionsInput.safeParse({ summary: "x".repeat(5001) }).success, false);
    assert.equal(SectionsInput.safeParse({ sumary: "typo" }).success, false);
    assert.equal(SectionsInput.safeParse({ impact: { data_integrity: { level: "maybe" } } }).success, false);
  });
  test("merging reports only the sections that changed", () => {
    const current = { ...emptySections(), summary: "Same" };
    const { sections, changed } = mergeSections(
      current,
      SectionsInput.parse({ summary: "Same", impact: { revenue: "none" } }),
    );
    assert.deepEqual(changed, ["impact"]);
    assert.equal(sections.impact.revenue, "none");
    assert.equal(current.impact.revenue, "", "the input is not modified");
  });
});

describe("renderPostmortem", () => {
  const input = (over: Partial<RenderInput> = {}): RenderInput => ({
    incident: {
      humanId: "INC-7",
      title: "API Timeout on Bulk Requests",
      severity: "SEV2",
      createdAt: new Date("2026-05-24T14:00:00Z"),
      resolvedAt: new Date("2026-05-24T14:45:00Z"),
    },
    author: "bob",
    reviewers: ["alice", "@charlie"],
    status: "draft",
    publishedAt: null,
    sections: emptySections(),
    aiDraft: null,
    timeline: [
      {
        kind: "incident.declared",
        at: new Date("2026-05-24T14:00:00Z"),
        actor: "alice",
        data: { severity: "SEV2", title: "API Timeout" },
      },
      { kind: "page.sent", at: new Date("2026-05-24T14:00:05Z"), actor: "foghorn", data: { to: "bob" } },
      {
        kind: "incident.status_changed",
        at: new Date("2026-05-24T14:01:00Z"),
        actor: "bob",
        data: { from: "triggered", to: "acknowledged" },
      },
    ],
    actionItems: [
      {
        title: "Add index | on user_id",
        owner: "bob",
        dueAt: new Date("2026-06-01T00:00:00Z"),
        status: "open",
      },
      { title: "Load test", owner: null, dueAt: null, status: "done" },
    ],
    ...over,
  });

  test("every SPEC §3 section, in order, with seed 004's header", () => {
    const md = renderPostmortem(input());
    assert.ok(md.startsWith("# Postmortem — [SEV2] API Timeout on Bulk Requests\n"));
    assert.match(
      md,
      /\*\*Date:\*\* 2026-05-24 {2}\n\*\*Severity:\*\* SEV2 {2}\n\*\*Duration:\*\* 14:00 → 14:45 UTC \(45 min\) {2}\n\*\*Author:\*\* @bob {2}\n\*\*Reviewers:\*\* @alice, @charlie {2}\n\*\*Status:\*\* Draft\n/,
    );
    const headings = [...md.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, [
      "Summary",
      "Impact",
      "Timeline",
      "Root cause",
      "Five Whys",
      "Contributing factors",
      "Resolution",
      "What went well",
      "What went poorly",
      "Action items",
      "Lessons learned",
    ]);
    assert.ok(md.trimEnd().endsWith(BLAMELESS_LINE));
  });

  test("empty sections show a placeholder; timeline has significant events only; action items table", () => {
    const md = renderPostmortem(input());
    assert.equal(
      md.split(PLACEHOLDER).length - 1,
      12,
      "summary, 4 impact lines, five whys and 6 text sections",
    );
    assert.match(md, /- Customers affected: _Not written yet._/);
    assert.match(
      md,
      /## Timeline\n\n- 14:00 — declared SEV2 "API Timeout" \(alice\)\n- 14:01 — status triggered → acknowledged \(bob\)\n\n/,
    );
    assert.doesNotMatch(md, /delivered to/);
    assert.match(
      md,
      /\| 1 \| Add index \\\| on user_id \| @bob \| 2026-06-01 \|\n\| 2 \| Load test \(done\) \| — \| — \|/,
    );
  });

  test("written sections, five whys, AI marks and multi-day timelines", () => {
    const sections = emptySections();
    sections.summary = "Bulk exports timed out.";
    sections.impact.data_integrity = { level: "none", text: "" };
    sections.five_whys = [
      { why: "Why did exports time out?", because: "Because a query scanned the table." },
    ];
    const md = renderPostmortem(
      input({
        sections,
        aiDraft: { sections: ["summary"], model: "llama3.1" },
        timeline: [
          { kind: "note.added", at: new Date("2026-05-24T23:50:00Z"), actor: "a", data: { text: "late" } },
          { kind: "note.added", at: new Date("2026-05-25T00:10:00Z"), actor: "a", data: { text: "early" } },
        ],
        status: "published",
        publishedAt: new Date("2026-05-26T10:00:00Z"),
      }),
    );
    assert.match(
      md,
      /## Summary\n\n> Drafted by AI \(llama3.1\) — review before publishing.\n\nBulk exports timed out.\n/,
    );
    assert.match(md, /- Data integrity: none\n/);
    assert.match(
      md,
      /### Five Whys\n\n1\. Why did exports time out\? → Because a query scanned the table.\n/,
    );
    assert.match(md, /- 2026-05-24 23:50 — note: late \(a\)\n- 2026-05-25 00:10 — note: early/);
    assert.match(md, /\*\*Status:\*\* Published 2026-05-26/);
  });

  test("an unresolved incident's duration is ongoing; the file name is the start date", () => {
    const md = renderPostmortem(input({ incident: { ...input().incident, resolvedAt: null } }));
    assert.match(md, /\*\*Duration:\*\* 14:00 UTC → ongoing/);
    assert.equal(postmortemFileName(new Date("2026-05-24T23:59:00Z")), "postmortem-2026-05-24.md");
  });
});
