import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { fieldErrorsFromZod } from "#app/validation.ts";
import type { AlertEvent } from "#domain/alert/event.ts";
import { applyMapping, dryRun, GenericMapping, type GenericMappingInput } from "./mapping.ts";

const mapping = (input: GenericMappingInput) => GenericMapping.parse(input);

function eventOf(body: unknown, input: GenericMappingInput): AlertEvent {
  const result = applyMapping(body, mapping(input));
  assert.ok(result.ok, `expected success, got ${JSON.stringify(!result.ok && result.errors)}`);
  return result.value;
}

const check = {
  check: { name: "disk", host: "db-1", state: "CRITICAL", id: 42 },
  text: "Disk 97% full",
  tags: ["prod"],
};

describe("the schema", () => {
  test("fills in the defaults", () => {
    assert.deepEqual(mapping({ summary: "$.text" }), {
      summary: "$.text",
      resolve_values: ["resolved", "ok", "closed", "recovered", "inactive", "false"],
      acknowledge_values: ["acknowledged", "ack"],
      default_severity: "warning",
    });
  });

  test("refuses invalid selectors, unknown keys and unknown severities, all at once", () => {
    const result = GenericMapping.safeParse({
      summary: "$.a..b",
      source: "{{ $.host",
      details: "{{ $.x }}",
      severity_map: { sev1: "urgent" },
      default_severity: "high",
      severty: "$.sev",
    });
    assert.ok(!result.success);
    assert.deepEqual(fieldErrorsFromZod(result.error), [
      { field: "summary", message: '"$.a..b" is not a valid selector; use $.field.sub or $.list[0]' },
      { field: "source", message: '"{{ $.host" opens a "{{" that no "}}" closes' },
      { field: "details", message: '"{{ $.x }}" is not a valid selector; use $.field.sub or $.list[0]' },
      { field: "severity_map.sev1", message: "must be one of critical, error, warning, info" },
      { field: "default_severity", message: "must be one of critical, error, warning, info" },
      { field: "(body)", message: 'unknown field "severty"; remove it' },
    ]);
  });

  test("summary is required", () => {
    const result = GenericMapping.safeParse({});
    assert.ok(!result.success);
    assert.deepEqual(fieldErrorsFromZod(result.error), [{ field: "summary", message: "is required" }]);
  });
});

describe("summary", () => {
  test("a selector or a template", () => {
    assert.equal(eventOf(check, { summary: "$.text" }).summary, "Disk 97% full");
    assert.equal(
      eventOf(check, { summary: "{{ $.check.host }}: {{ $.text }}" }).summary,
      "db-1: Disk 97% full",
    );
  });

  test("numbers and booleans become text; objects and arrays are refused", () => {
    assert.equal(eventOf(check, { summary: "$.check.id" }).summary, "42");
    assert.equal(eventOf({ ok: true }, { summary: "$.ok" }).summary, "true");
    for (const [selector, what] of [
      ["$.check", "an object"],
      ["$.tags", "an array"],
    ]) {
      const result = applyMapping(check, mapping({ summary: selector as string }));
      assert.deepEqual(result, {
        ok: false,
        errors: [
          {
            field: "summary",
            message: `"${selector}" selected ${what}, not a text; select a field inside it`,
          },
        ],
      });
    }
  });

  test("matching nothing or an empty text is refused, naming the selector", () => {
    assert.deepEqual(applyMapping(check, mapping({ summary: "$.title" })), {
      ok: false,
      errors: [{ field: "summary", message: '"$.title" matched nothing in the body' }],
    });
    assert.deepEqual(applyMapping({ title: "  " }, mapping({ summary: "$.title" })), {
      ok: false,
      errors: [{ field: "summary", message: '"$.title" selected an empty text' }],
    });
  });

  test("is truncated to 1024 characters", () => {
    assert.equal(eventOf({ t: "x".repeat(5000) }, { summary: "$.t" }).summary, "x".repeat(1024));
  });
});

describe("dedup_key", () => {
  test("taken from the body when mapped; a number becomes text", () => {
    assert.equal(eventOf(check, { summary: "$.text", dedup_key: "$.check.id" }).dedupKey, "42");
  });

  test("longer than 255 characters: its SHA-256", () => {
    const long = "k".repeat(256);
    assert.equal(
      eventOf({ t: "x", k: long }, { summary: "$.t", dedup_key: "$.k" }).dedupKey,
      createHash("sha256").update(long).digest("hex"),
    );
    assert.equal(
      eventOf({ t: "x", k: "k".repeat(255) }, { summary: "$.t", dedup_key: "$.k" }).dedupKey.length,
      255,
    );
  });

  test("derived from summary and source when absent: stable, 32 hex characters", () => {
    const m = { summary: "$.text", source: "$.check.host", dedup_key: "$.missing" };
    const a = eventOf(check, m).dedupKey;
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(a, createHash("sha256").update('["Disk 97% full","db-1"]').digest("hex").slice(0, 32));
    assert.equal(eventOf({ ...check, extra: Date.now() }, m).dedupKey, a);
    assert.notEqual(eventOf({ ...check, check: { ...check.check, host: "db-2" } }, m).dedupKey, a);
    assert.equal(eventOf(check, { summary: "$.text", source: "$.check.host" }).dedupKey, a);
  });
});

describe("severity", () => {
  const cases: [unknown, string][] = [
    ["critical", "critical"],
    ["CRIT", "critical"],
    ["Fatal", "critical"],
    ["P1", "critical"],
    ["error", "error"],
    ["err", "error"],
    ["High", "error"],
    ["major", "error"],
    ["p2", "error"],
    ["warning", "warning"],
    ["WARN", "warning"],
    ["medium", "warning"],
    ["P3", "warning"],
    ["info", "info"],
    ["low", "info"],
    ["OK", "info"],
    ["p4", "info"],
    ["notice", "info"],
    [" critical ", "critical"],
    ["sev5", "warning"],
    [5, "warning"],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(eventOf({ t: "x", s: value }, { summary: "$.t", severity: "$.s" }).severity, expected);
    });
  }

  test("severity_map first, case-insensitively; then default_severity", () => {
    const m = {
      summary: "$.t",
      severity: "$.s",
      severity_map: { Disaster: "critical", "1": "info" },
    } as const;
    assert.equal(eventOf({ t: "x", s: "DISASTER" }, m).severity, "critical");
    assert.equal(eventOf({ t: "x", s: 1 }, m).severity, "info");
    assert.equal(eventOf({ t: "x", s: "major" }, m).severity, "error");
    assert.equal(eventOf({ t: "x" }, { ...m, default_severity: "info" }).severity, "info");
    assert.equal(eventOf({ t: "x" }, { summary: "$.t" }).severity, "warning");
  });
});

describe("status", () => {
  const cases: [unknown, string][] = [
    ["firing", "trigger"],
    ["RESOLVED", "resolve"],
    ["ok", "resolve"],
    ["closed", "resolve"],
    ["Recovered", "resolve"],
    ["inactive", "resolve"],
    [false, "resolve"],
    [true, "trigger"],
    ["acknowledged", "acknowledge"],
    ["ACK", "acknowledge"],
    ["anything", "trigger"],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(eventOf({ t: "x", st: value }, { summary: "$.t", status: "$.st" }).action, expected);
    });
  }

  test("custom values, and no status selector means trigger", () => {
    const m = { summary: "$.t", status: "$.st", resolve_values: ["UP"], acknowledge_values: ["seen"] };
    assert.equal(eventOf({ t: "x", st: "up" }, m).action, "resolve");
    assert.equal(eventOf({ t: "x", st: "resolved" }, m).action, "trigger");
    assert.equal(eventOf({ t: "x", st: "Seen" }, m).action, "acknowledge");
    assert.equal(eventOf({ t: "x", st: "resolved" }, { summary: "$.t" }).action, "trigger");
  });
});

describe("source and details", () => {
  test("details: the selected object, a wrapped value, or the whole body", () => {
    assert.deepEqual(eventOf(check, { summary: "$.text", details: "$.check" }).details, check.check);
    assert.deepEqual(eventOf(check, { summary: "$.text", details: "$.tags" }).details, { details: ["prod"] });
    assert.deepEqual(eventOf(check, { summary: "$.text" }).details, check);
    assert.deepEqual(eventOf(check, { summary: "$.text", details: "$.missing" }).details, {});
  });

  test("source: text, or empty when nothing usable", () => {
    assert.equal(eventOf(check, { summary: "$.text", source: "$.check.host" }).source, "db-1");
    assert.equal(eventOf(check, { summary: "$.text", source: "$.check" }).source, "");
    assert.equal(eventOf(check, { summary: "$.text" }).source, "");
  });

  test("a NUL character is refused where it is", () => {
    assert.deepEqual(applyMapping({ t: "a\u0000" }, mapping({ summary: "$.t" })), {
      ok: false,
      errors: [
        {
          field: "summary",
          message: "contains a NUL character or an unpaired surrogate, which cannot be stored; remove it",
        },
        {
          field: "details.t",
          message: "contains a NUL character or an unpaired surrogate, which cannot be stored; remove it",
        },
      ],
    });
  });
});

test("dryRun shows what each selector matched and which fallbacks applied", () => {
  const run = dryRun(
    check,
    mapping({
      summary: "{{ $.check.host }}: {{ $.text }}",
      severity: "$.check.state",
      status: "$.check.status",
      source: "$.check",
      details: "$.check",
    }),
  );
  assert.ok(run.result.ok);
  assert.deepEqual(run.matched, {
    summary: "db-1: Disk 97% full",
    source: check.check,
    severity: "CRITICAL",
    status: null,
    details: check.check,
  });
  assert.deepEqual(run.notes, [
    'source: "$.check" selected an object, not a text; select a field inside it',
    "dedup_key: derived from the summary and source (no dedup_key selector or value)",
    'status: "$.check.status" matched nothing in the body',
  ]);
  assert.equal(run.result.value.severity, "critical");
});

test("a mapping stored before a selector became invalid is reported, not thrown", () => {
  const run = dryRun({ t: "x" }, { ...mapping({ summary: "$.t" }), source: "$.." });
  assert.deepEqual(run.result, {
    ok: false,
    errors: [
      { field: "mapping.source", message: '"$.." is not a valid selector; use $.field.sub or $.list[0]' },
    ],
  });
});
