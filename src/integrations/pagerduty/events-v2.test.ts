import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { PayloadError } from "#domain/alert/event.ts";
import {
  PAGERDUTY_SUCCESS,
  parsePagerDutyChange,
  parsePagerDutyV2,
  toPagerDutyErrorBody,
} from "./events-v2.ts";

const KEY = "R0123456789abcdef0123456789abcde"; // 32 characters
const opts = { generateKey: () => "generated-key" };

function trigger(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    routing_key: KEY,
    event_action: "trigger",
    dedup_key: "srv01/HTTP",
    payload: { summary: "HTTP down on srv01", source: "srv01.example.com", severity: "critical", ...payload },
    ...overrides,
  };
}

function errorsOf(body: unknown): PayloadError[] {
  const result = parsePagerDutyV2(body, opts);
  assert.equal(result.ok, false, "expected the body to be refused");
  return result.ok ? [] : result.errors;
}

function eventOf(body: unknown) {
  const result = parsePagerDutyV2(body, opts);
  assert.ok(result.ok, `expected success, got ${JSON.stringify(!result.ok && result.errors)}`);
  return result.value.event;
}

describe("routing_key", () => {
  test("32 characters is accepted; any other length is refused with the length", () => {
    assert.equal(eventOf(trigger()).dedupKey, "srv01/HTTP");
    assert.deepEqual(errorsOf(trigger({ routing_key: "abcdefghijkl" })), [
      { field: "routing_key", message: "must be 32 characters (got 12)" },
    ]);
    assert.deepEqual(errorsOf(trigger({ routing_key: `${KEY}x` })), [
      { field: "routing_key", message: "must be 32 characters (got 33)" },
    ]);
  });

  test("missing or not a string", () => {
    const { routing_key: _, ...without } = trigger();
    assert.deepEqual(errorsOf(without), [{ field: "routing_key", message: "is required" }]);
    assert.deepEqual(errorsOf(trigger({ routing_key: 42 })), [
      { field: "routing_key", message: "must be a string (got a number)" },
    ]);
  });
});

describe("event_action", () => {
  for (const action of ["trigger", "acknowledge", "resolve"]) {
    test(`${action} is accepted`, () =>
      assert.equal(eventOf(trigger({ event_action: action })).action, action));
  }
  test("anything else is refused, naming the choices", () => {
    assert.deepEqual(errorsOf(trigger({ event_action: "Trigger" })), [
      { field: "event_action", message: 'must be one of trigger, acknowledge, resolve (got "Trigger")' },
    ]);
    assert.deepEqual(errorsOf(trigger({ event_action: undefined })), [
      { field: "event_action", message: "is required" },
    ]);
  });
});

describe("dedup_key", () => {
  test("255 characters is accepted, 256 refused (counted in characters, not UTF-16 units)", () => {
    assert.equal(eventOf(trigger({ dedup_key: "k".repeat(255) })).dedupKey.length, 255);
    assert.equal(eventOf(trigger({ dedup_key: "🔥".repeat(255) })).dedupKey, "🔥".repeat(255));
    assert.deepEqual(errorsOf(trigger({ dedup_key: "k".repeat(256) })), [
      { field: "dedup_key", message: "must be at most 255 characters (got 256)" },
    ]);
  });

  test("a trigger without one (absent, null or empty) gets the generated key", () => {
    for (const dedup_key of [undefined, null, ""]) {
      assert.equal(eventOf(trigger({ dedup_key })).dedupKey, "generated-key");
    }
  });

  test("the generator is not called when the sender gives a key", () => {
    const result = parsePagerDutyV2(trigger(), {
      generateKey: () => assert.fail("generateKey called"),
    });
    assert.ok(result.ok);
  });

  for (const action of ["acknowledge", "resolve"]) {
    test(`${action} without one is refused`, () => {
      for (const dedup_key of [undefined, ""]) {
        assert.deepEqual(errorsOf({ routing_key: KEY, event_action: action, dedup_key }), [
          { field: "dedup_key", message: "is required for acknowledge and resolve" },
        ]);
      }
    });
  }
});

describe("payload on trigger", () => {
  test("is required", () => {
    assert.deepEqual(errorsOf(trigger({ payload: undefined })), [
      { field: "payload", message: "is required for trigger" },
    ]);
  });

  test("summary, source and severity are required, each reported", () => {
    assert.deepEqual(errorsOf(trigger({ payload: {} })), [
      { field: "payload.summary", message: "is required" },
      { field: "payload.source", message: "is required" },
      { field: "payload.severity", message: "is required" },
    ]);
    assert.deepEqual(errorsOf(trigger({}, { summary: " ", source: "" })), [
      { field: "payload.summary", message: "must not be empty" },
      { field: "payload.source", message: "must not be empty" },
    ]);
  });

  test("summary: 1024 characters accepted, 1025 refused", () => {
    assert.equal(eventOf(trigger({}, { summary: "s".repeat(1024) })).summary.length, 1024);
    assert.equal(eventOf(trigger({}, { summary: "🔥".repeat(1024) })).summary, "🔥".repeat(1024));
    assert.deepEqual(errorsOf(trigger({}, { summary: "s".repeat(1025) })), [
      { field: "payload.summary", message: "must be at most 1024 characters (got 1025)" },
    ]);
  });

  for (const severity of ["critical", "error", "warning", "info"]) {
    test(`severity ${severity} is accepted`, () => {
      assert.equal(eventOf(trigger({}, { severity })).severity, severity);
    });
  }
  test("another severity is refused", () => {
    assert.deepEqual(errorsOf(trigger({}, { severity: "high" })), [
      { field: "payload.severity", message: 'must be one of critical, error, warning, info (got "high")' },
    ]);
  });

  test("timestamp: PagerDuty's offset without a colon and other ISO forms are normalised to UTC", () => {
    const cases: [string, string][] = [
      ["2015-07-17T08:42:58.315+0000", "2015-07-17T08:42:58.315Z"],
      ["2015-07-17T10:42:58.315+02:00", "2015-07-17T08:42:58.315Z"],
      ["2015-07-17T03:12:58-0530", "2015-07-17T08:42:58.000Z"],
      ["2015-07-17T08:42:58Z", "2015-07-17T08:42:58.000Z"],
      ["2015-07-17T08:42:58.123456789Z", "2015-07-17T08:42:58.123Z"],
      ["2015-07-17 08:42:58", "2015-07-17T08:42:58.000Z"],
    ];
    for (const [timestamp, iso] of cases) assert.equal(eventOf(trigger({}, { timestamp })).occurredAt, iso);
    assert.equal(eventOf(trigger()).occurredAt, null);
  });

  test("timestamp: not a date-time is refused", () => {
    for (const timestamp of ["yesterday", "2015-02-30T00:00:00Z", "2015-07-17T25:00:00Z", "1437122578"]) {
      assert.deepEqual(errorsOf(trigger({}, { timestamp })), [
        {
          field: "payload.timestamp",
          message: `must be an ISO 8601 date-time such as 2015-07-17T08:42:58.315+0000 (got ${JSON.stringify(timestamp)})`,
        },
      ]);
    }
  });

  test("component, group, class are optional strings", () => {
    const event = eventOf(trigger({}, { component: "mysql", group: "prod-datapipe", class: "disk" }));
    assert.deepEqual([event.component, event.group, event.class], ["mysql", "prod-datapipe", "disk"]);
    assert.equal("component" in eventOf(trigger()), false);
    assert.deepEqual(errorsOf(trigger({}, { group: 7 })), [
      { field: "payload.group", message: "must be a string (got a number)" },
    ]);
  });

  test("custom_details: an object is kept, any other value wrapped, absent is {}", () => {
    assert.deepEqual(eventOf(trigger({}, { custom_details: { a: 1 } })).details, { a: 1 });
    assert.deepEqual(eventOf(trigger({}, { custom_details: "disk full" })).details, { details: "disk full" });
    assert.deepEqual(eventOf(trigger({}, { custom_details: [1, 2] })).details, { details: [1, 2] });
    assert.deepEqual(eventOf(trigger()).details, {});
  });

  test("a NUL character, which the database cannot store, is refused where it is", () => {
    assert.deepEqual(errorsOf(trigger({}, { custom_details: { note: "a\u0000b" } })), [
      {
        field: "payload.custom_details.note",
        message: "contains a NUL character or an unpaired surrogate, which cannot be stored; remove it",
      },
    ]);
  });
});

describe("images, links, client", () => {
  test("are carried over", () => {
    const event = eventOf(
      trigger({
        images: [{ src: "https://img.example.com/a.png", href: "https://x.example.com", alt: "graph" }],
        links: [{ href: "https://runbook.example.com", text: "Runbook" }, { href: "https://b.example.com" }],
        client: "Sample Monitoring Service",
        client_url: "https://monitoring.example.com",
      }),
    );
    assert.deepEqual(event.images, [
      { src: "https://img.example.com/a.png", href: "https://x.example.com", alt: "graph" },
    ]);
    assert.deepEqual(event.links, [
      { href: "https://runbook.example.com", text: "Runbook" },
      { href: "https://b.example.com" },
    ]);
    assert.equal(event.client, "Sample Monitoring Service");
    assert.equal(event.clientUrl, "https://monitoring.example.com");
  });

  test("an image src must be https; href of a link is required", () => {
    assert.deepEqual(
      errorsOf(
        trigger({
          images: [{ src: "https://ok.example.com/a.png" }, { src: "http://img.example.com/a.png" }, {}],
          links: [{ text: "no href" }, "https://x"],
        }),
      ),
      [
        { field: "images.1.src", message: 'must be an https:// URL (got "http://img.example.com/a.png")' },
        { field: "images.2.src", message: "is required" },
        { field: "links.0.href", message: "is required" },
        { field: "links.1", message: "must be an object {href, text?} (got a string)" },
      ],
    );
  });
});

test("every problem is listed at once", () => {
  const errors = errorsOf({
    routing_key: "short",
    event_action: "trigger",
    dedup_key: "k".repeat(300),
    payload: { summary: "s".repeat(2000), severity: "fatal", timestamp: "soon" },
    images: [{ src: "http://x" }],
    unknown_key: "ignored",
  });
  assert.deepEqual(
    errors.map((e) => e.field),
    [
      "routing_key",
      "dedup_key",
      "payload.summary",
      "payload.source",
      "payload.severity",
      "payload.timestamp",
      "images.0.src",
    ],
  );
});

test("a body that is not an object is refused", () => {
  assert.deepEqual(errorsOf([]), [{ field: "(body)", message: "must be a JSON object (got an array)" }]);
  assert.deepEqual(errorsOf(null), [{ field: "(body)", message: "must be a JSON object (got null)" }]);
});

describe("acknowledge and resolve", () => {
  test("without a payload: the dedup key stands in as summary, source is unknown", () => {
    const event = eventOf({ routing_key: KEY, event_action: "acknowledge", dedup_key: "srv01/HTTP" });
    assert.deepEqual(event, {
      action: "acknowledge",
      dedupKey: "srv01/HTTP",
      summary: "srv01/HTTP",
      source: "",
      severity: null,
      occurredAt: null,
      details: {},
      links: [],
      images: [],
    });
  });

  test("a payload is used where valid and never refuses the event", () => {
    const event = eventOf(
      trigger(
        { event_action: "resolve", images: [{ src: "http://not-https" }], client: 5 },
        { summary: "All clear", severity: "loud", source: "", timestamp: "nope", custom_details: { n: 1 } },
      ),
    );
    assert.equal(event.summary, "All clear");
    assert.equal(event.severity, null);
    assert.equal(event.source, "");
    assert.equal(event.occurredAt, null);
    assert.deepEqual(event.details, { n: 1 });
    assert.deepEqual(event.images, []);
    assert.equal("client" in event, false);
    assert.deepEqual(eventOf(trigger({ event_action: "resolve", payload: "x" })).summary, "srv01/HTTP");
  });
});

describe("the bodies Alertmanager 0.25 sent", () => {
  const read = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
  const SHA = {
    "pagerduty-v2-trigger.json": "38c2ab1c205970046adef5c8d09154b8e1aa0e321143077b57d1fe9c6acd5390",
    "pagerduty-v2-resolve.json": "52c70d44c98189c9f29c8222c091632a82119aa4b87c6fe58df8ec4fc60597fa",
  };
  const AM_KEY = "6d7107ff306c6b43341d5dc86188b7fc2cd870a547119c04f7bde48120061277";
  // The capture's routing_key "benchroutingkey000000000000000000" is 33 characters: PagerDuty would refuse
  // it, and so does Foghorn. The rest of each body is checked with the key cut to 32 characters.
  const fixture = (name: keyof typeof SHA) => {
    const bytes = read(name);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), SHA[name], `${name} is not as captured`);
    const body = JSON.parse(bytes.toString("utf8"));
    assert.deepEqual(errorsOf(body), [{ field: "routing_key", message: "must be 32 characters (got 33)" }]);
    return { ...body, routing_key: body.routing_key.slice(0, 32) };
  };

  test("the trigger", () => {
    const result = parsePagerDutyV2(fixture("pagerduty-v2-trigger.json"), opts);
    assert.ok(result.ok);
    const { event, routingKey } = result.value;
    assert.equal(routingKey, "benchroutingkey00000000000000000");
    assert.equal(event.action, "trigger");
    assert.equal(event.dedupKey, AM_KEY);
    assert.equal(event.severity, "critical");
    assert.equal(event.component, "checkout");
    assert.equal(event.group, "payments");
    assert.equal(event.class, "BenchHighErrorRate");
    assert.equal(event.source, "Alertmanager");
    assert.match(event.summary, /^\[FIRING:2\] BenchHighErrorRate checkout/);
    assert.equal(event.details.num_firing, "2");
    assert.equal(event.client, "Alertmanager");
    assert.equal(event.clientUrl, "http://127.0.0.1:33261/#/alerts?receiver=target-both");
  });

  test("the resolve", () => {
    const result = parsePagerDutyV2(fixture("pagerduty-v2-resolve.json"), opts);
    assert.ok(result.ok);
    assert.equal(result.value.event.action, "resolve");
    assert.equal(result.value.event.dedupKey, AM_KEY);
    assert.match(result.value.event.summary, /^\[RESOLVED\] BenchHighErrorRate/);
    assert.equal(result.value.event.details.num_resolved, "2");
  });
});

describe("change events", () => {
  const change = (payload: unknown, extra: Record<string, unknown> = {}) =>
    parsePagerDutyChange({ routing_key: KEY, payload, ...extra });

  test("PagerDuty's example is accepted", () => {
    const result = change(
      {
        summary: "Build Success: Increase snapshot create timeout to 30 seconds",
        timestamp: "2020-07-17T08:42:58.315+0000",
        source: "acme-build-pipeline-tool-default-i-9999",
        custom_details: { build_state: "passed" },
      },
      { links: [{ href: "https://acme.pagerduty.dev/build/2", text: "View more details in Acme!" }] },
    );
    assert.ok(result.ok);
    assert.deepEqual(result.value.change, {
      summary: "Build Success: Increase snapshot create timeout to 30 seconds",
      source: "acme-build-pipeline-tool-default-i-9999",
      timestamp: "2020-07-17T08:42:58.315Z",
      details: { build_state: "passed" },
      links: [{ href: "https://acme.pagerduty.dev/build/2", text: "View more details in Acme!" }],
    });
  });

  test("only routing_key and summary are required", () => {
    const result = change({ summary: "Deployed v2" }, { event_action: "whatever" });
    assert.ok(result.ok);
    assert.deepEqual(result.value.change, {
      summary: "Deployed v2",
      source: null,
      timestamp: null,
      details: {},
      links: [],
    });
  });

  test("every problem at once", () => {
    const result = parsePagerDutyChange({ routing_key: "x", payload: { summary: "s".repeat(1025) } });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [
      { field: "routing_key", message: "must be 32 characters (got 1)" },
      { field: "payload.summary", message: "must be at most 1024 characters (got 1025)" },
    ]);
    const missing = parsePagerDutyChange({ routing_key: KEY });
    assert.ok(!missing.ok);
    assert.deepEqual(missing.errors, [{ field: "payload", message: "is required" }]);
  });
});

test("response bodies are PagerDuty's", () => {
  assert.deepEqual(
    toPagerDutyErrorBody([
      { field: "routing_key", message: "must be 32 characters (got 12)" },
      { field: "payload.summary", message: "is required" },
    ]),
    {
      status: "invalid event",
      message: "Event object is invalid",
      errors: ["routing_key: must be 32 characters (got 12)", "payload.summary: is required"],
    },
  );
  assert.deepEqual(PAGERDUTY_SUCCESS("srv01/HTTP"), {
    status: "success",
    message: "Event processed",
    dedup_key: "srv01/HTTP",
  });
});
