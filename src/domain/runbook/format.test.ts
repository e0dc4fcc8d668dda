import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { serviceFromFileName } from "./file-name.ts";
import { outlineRunbook } from "./format.ts";
import { runbookTemplate } from "./template.ts";

const sample = (name: string) =>
  readFileSync(new URL(`../../../docs/runbooks/${name}`, import.meta.url), "utf8");

describe("outlineRunbook", () => {
  test("the sample runbooks follow seed 001's format with no warnings", () => {
    for (const file of ["checkout-runbook.md", "payments-runbook.md", "search-runbook.md"]) {
      const outline = outlineRunbook(sample(file));
      assert.deepEqual(outline.warnings, [], file);
      assert.deepEqual(outline.sections, ["Service Overview", "Common Issues", "Escalation"], file);
      assert.equal(outline.issues.length, 2, file);
    }
    const checkout = outlineRunbook(sample("checkout-runbook.md"));
    assert.equal(checkout.title, "checkout");
    assert.deepEqual(
      checkout.issues.map((i) => i.heading),
      ["Issue 1: Elevated 5xx on POST /api/checkout", "Issue 2: Database connection pool exhausted"],
    );
  });

  test("the starter template is a complete runbook", () => {
    const outline = outlineRunbook(runbookTemplate("billing"));
    assert.equal(outline.title, "billing");
    assert.deepEqual(outline.warnings, []);
  });

  test("missing sections and issue parts are warnings naming what to add", () => {
    const outline = outlineRunbook(
      [
        "# Runbook: Billing",
        "## Common Issues",
        "### Issue 1: Invoices not sent",
        "- **Symptoms:** customers complain",
        "- **Resolution:** re-run the mailer",
        "### Issue 2: Slow",
        "Symptoms: slow pages",
        "**Diagnosis**: look at the dashboard",
      ].join("\n"),
    );
    assert.equal(outline.title, "Billing");
    assert.deepEqual(outline.warnings, [
      'Missing section "## Service Overview"',
      'Missing section "## Escalation"',
      '"Issue 1: Invoices not sent" has no **Diagnosis:**',
      '"Issue 2: Slow" has no **Resolution:**',
    ]);
  });

  test("no title, an empty Common Issues and plain text still parse, with warnings", () => {
    assert.deepEqual(outlineRunbook("just some notes").warnings, [
      'No title: start with "# Runbook: <service name>"',
      'Missing section "## Service Overview"',
      'Missing section "## Common Issues"',
      'Missing section "## Escalation"',
    ]);
    const empty = outlineRunbook("# Runbook: x\n## Service Overview\n## Common Issues\n## Escalation\n");
    assert.deepEqual(empty.warnings, [
      '"## Common Issues" lists no issues: add "### Issue 1: <description>"',
    ]);
  });

  test("headings inside code blocks are not sections; a title without the prefix is kept whole", () => {
    const outline = outlineRunbook(
      [
        "# Checkout service",
        "```bash",
        "# Escalation",
        "## Service Overview",
        "```",
        "    ## Common Issues",
        "~~~",
        "## Escalation",
        "~~~",
      ].join("\r\n"),
    );
    assert.equal(outline.title, "Checkout service");
    assert.deepEqual(outline.sections, []);
    assert.equal(outline.warnings.length, 3);
  });

  test("section names match regardless of case and a trailing colon", () => {
    const outline = outlineRunbook(
      "# Runbook: a\n## service overview:\n## COMMON ISSUES\n### Disk full\n__Symptoms:__ x\n**diagnosis:** y\n**Resolution:** z\n## Escalation ##\n",
    );
    assert.deepEqual(outline.warnings, []);
  });
});

describe("serviceFromFileName", () => {
  test("<service>-runbook.md names the service; the folder is ignored", () => {
    assert.deepEqual(serviceFromFileName("checkout-runbook.md"), { ok: true, service: "checkout" });
    assert.deepEqual(serviceFromFileName("docs/runbooks/payments-api-runbook.md"), {
      ok: true,
      service: "payments-api",
    });
    assert.deepEqual(serviceFromFileName("C:\\rb\\Search-Runbook.MD"), { ok: true, service: "Search" });
  });

  test("anything else is refused with a reason", () => {
    for (const [name, reason] of [
      ["README.md", /must be <service>-runbook\.md/],
      ["checkout-runbook.txt", /must be <service>-runbook\.md/],
      ["checkout.md", /must be <service>-runbook\.md/],
      ["-runbook.md", /no service name/],
      ["bad$name-runbook.md", /not a valid service name/],
      [`${"x".repeat(101)}-runbook.md`, /longer than 100/],
    ] as const) {
      const r = serviceFromFileName(name);
      assert.equal(r.ok, false, name);
      if (!r.ok) assert.match(r.reason, reason, name);
    }
  });
});
