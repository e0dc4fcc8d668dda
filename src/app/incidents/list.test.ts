import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { INCIDENT_STATUSES, type IncidentStatus } from "#domain/incident/status.ts";
import { DAY, formatDuration, MINUTE } from "#domain/time.ts";
import { INCIDENT_SORT_KEYS, type IncidentSortKey } from "#store/incident-list.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  T0,
  type TestContext,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { type IncidentList, type ListIncidentsQuery, listIncidents } from "./get.ts";

/** What the test knows about each incident it created: the model the list is checked against. */
interface Known {
  id: string;
  number: number;
  title: string;
  severity: string;
  status: IncidentStatus;
  assignee: string | null;
  createdAt: number;
  resolvedAt: number | null;
  services: string[];
}

const START = Date.parse(T0);
const LIST_AT = START + 2 * DAY;
const TITLES = [
  "Disk full on db-1",
  "API latency above SLO",
  "Checkout errors",
  "100% CPU on worker-3",
  "disk full on db-1",
  "cache_miss storm",
  "Zebra feed stale",
  "api latency above slo",
  "Bulk export timeouts",
];
const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"];
const ASSIGNEES = [null, "alice", "bob", "carol", "bob"];
const PATHS: IncidentStatus[][] = [
  [],
  ["acknowledged"],
  ["acknowledged", "investigating"],
  ["investigating", "mitigating"],
  ["mitigating", "resolved"],
  ["resolved", "postmortem"],
];

function compareKey(key: IncidentSortKey, a: Known, b: Known): number {
  const value = (k: Known): number | string => {
    switch (key) {
      case "id":
        return k.number;
      case "title":
        return k.title.toLowerCase();
      case "severity":
        return k.severity;
      case "status":
        return INCIDENT_STATUSES.indexOf(k.status);
      case "assignee":
        return k.assignee ?? "";
      case "duration":
        return (k.resolvedAt ?? LIST_AT) - k.createdAt;
      case "created_at":
        return k.createdAt;
    }
  };
  const x = value(a);
  const y = value(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The order a user expects: by the column, ties broken by incident number in the same direction. */
function expectedOrder(known: readonly Known[], key: IncidentSortKey, descending: boolean): string[] {
  const sign = descending ? -1 : 1;
  return [...known].sort((a, b) => sign * (compareKey(key, a, b) || a.number - b.number)).map((k) => k.id);
}

async function allPages(
  ctx: TestContext,
  query: ListIncidentsQuery,
): Promise<{ ids: string[]; pages: IncidentList[] }> {
  const pages: IncidentList[] = [];
  let cursor: string | null = null;
  do {
    const page: IncidentList = await listIncidents(ctx, { ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    cursor = page.next_cursor;
    assert.ok(pages.length < 100, "pagination does not end");
  } while (cursor);
  return { ids: pages.flatMap((p) => p.items.map((i) => i.id)), pages };
}

for (const backend of await testBackends()) {
  describe(`listIncidents (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let ctx: TestContext;
    const known: Known[] = [];
    const svc = { a: uniqueName("Payments"), b: uniqueName("ledger"), c: uniqueName("search") };

    before(async () => {
      database = await openTestDb(backend.kind);
      ctx = appContext(database.db);
      const servicesFor = [[], [svc.a], [svc.b, svc.a], [svc.c]];
      for (let i = 0; i < 25; i++) {
        // Creation times are a permutation of the numbers, with one tie (incidents 6 and 7 at once).
        const createdAt = START + ((((i === 6 ? 5 : i) * 37) % 101) * 3 + 1) * MINUTE;
        ctx.clock.set(new Date(createdAt));
        const assignee = ASSIGNEES[i % ASSIGNEES.length] ?? null;
        const services = servicesFor[i % servicesFor.length] ?? [];
        const title = TITLES[i % TITLES.length] ?? "";
        const severity = SEVERITIES[(i * 3 + Math.floor(i / 4)) % 4] ?? "SEV4";
        const incident = await declareTestIncident(ctx, {
          title,
          severity,
          affected_services: services,
          assignee: assignee ?? undefined,
        });
        const path: IncidentStatus[] =
          i === 24 ? ["resolved", "investigating"] : (PATHS[i % PATHS.length] ?? []);
        let resolvedAt: number | null = null;
        for (const [k, status] of path.entries()) {
          const at = createdAt + 5 * (k + 1) * MINUTE * (1 + (i % 3));
          ctx.clock.set(new Date(at));
          await changeIncidentStatus(ctx, incident.id, { status });
          if (status === "resolved") resolvedAt = at;
          if (status === "investigating" && resolvedAt !== null) resolvedAt = null;
        }
        known.push({
          id: incident.id,
          number: incident.number,
          title,
          severity,
          status: path.at(-1) ?? "triggered",
          assignee,
          createdAt,
          resolvedAt,
          services: [...services].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)),
        });
      }
      ctx.clock.set(new Date(LIST_AT));
    });
    after(async () => {
      await database?.close();
    });

    for (const key of INCIDENT_SORT_KEYS) {
      for (const descending of [false, true]) {
        const sort = `${descending ? "-" : ""}${key}`;
        test(`sort=${sort} pages through every incident exactly once, in order`, async () => {
          const { ids, pages } = await allPages(ctx, { sort, limit: 4 });
          assert.equal(pages.length, 7, "25 incidents in pages of 4");
          assert.ok(pages.slice(0, -1).every((p) => p.items.length === 4));
          assert.equal(pages.at(-1)?.next_cursor, null);
          assert.equal(new Set(ids).size, ids.length, "no incident twice");
          assert.deepEqual(ids, expectedOrder(known, key, descending));
        });
      }
    }

    test("the default order is newest first", async () => {
      const page = await listIncidents(ctx, {});
      assert.deepEqual(
        page.items.map((i) => i.id),
        expectedOrder(known, "created_at", true),
      );
      assert.equal(page.next_cursor, null, "all 25 fit the default page of 50");
    });

    test("each row carries seed 002's list columns", async () => {
      const page = await listIncidents(ctx, { sort: "id", limit: 200 });
      assert.equal(page.items.length, 25);
      for (const item of page.items) {
        const k = known.find((x) => x.id === item.id);
        assert.ok(k);
        const seconds = ((k.resolvedAt ?? LIST_AT) - k.createdAt) / 1000;
        assert.deepEqual(item, {
          id: k.id,
          title: k.title,
          severity: k.severity,
          status: k.status,
          assignee: k.assignee,
          duration_seconds: seconds,
          duration: formatDuration(seconds * 1000),
          affected_services: k.services,
          created_at: new Date(k.createdAt).toISOString(),
          acknowledged_at: item.acknowledged_at,
          resolved_at: k.resolvedAt === null ? null : new Date(k.resolvedAt).toISOString(),
        });
        assert.equal(item.acknowledged_at === null, k.status === "triggered", `${k.id} acknowledged_at`);
      }
    });

    const filters: [string, ListIncidentsQuery, (k: Known) => boolean][] = [
      ["status=triggered", { status: "triggered" }, (k) => k.status === "triggered"],
      [
        "status=open",
        { status: "open" },
        (k) => ["triggered", "acknowledged", "investigating", "mitigating"].includes(k.status),
      ],
      ["status=closed", { status: "closed" }, (k) => ["resolved", "postmortem"].includes(k.status)],
      [
        "status=acknowledged,mitigating",
        { status: "acknowledged,mitigating" },
        (k) => ["acknowledged", "mitigating"].includes(k.status),
      ],
      [
        "status repeated",
        { status: ["postmortem", "investigating"] },
        (k) => ["postmortem", "investigating"].includes(k.status),
      ],
      ["severity=critical", { severity: "critical" }, (k) => k.severity === "SEV1"],
      ["severity=P2,low", { severity: "P2,low" }, (k) => ["SEV2", "SEV4"].includes(k.severity)],
      ["severity=sev-3", { severity: "sev-3" }, (k) => k.severity === "SEV3"],
      ["service", { service: svc.a }, (k) => k.services.includes(svc.a)],
      ["service in capitals", { service: svc.a.toUpperCase() }, (k) => k.services.includes(svc.a)],
      [
        "two services",
        { service: `${svc.b},${svc.c}` },
        (k) => k.services.includes(svc.b) || k.services.includes(svc.c),
      ],
      ["unknown service", { service: "no-such-service" }, () => false],
      ["assignee", { assignee: "bob" }, (k) => k.assignee === "bob"],
      ["assignee with @", { assignee: "@carol" }, (k) => k.assignee === "carol"],
      ["q matches titles case-insensitively", { q: "DISK" }, (k) => k.title.toLowerCase().includes("disk")],
      ["q % is literal", { q: "%" }, (k) => k.title.includes("%")],
      ["q _ is literal", { q: "_" }, (k) => k.title.includes("_")],
      ["q with no match", { q: "nothing like this" }, () => false],
      [
        "combined filters",
        { status: "open", severity: "SEV1,SEV2", service: svc.a },
        (k) =>
          ["triggered", "acknowledged", "investigating", "mitigating"].includes(k.status) &&
          ["SEV1", "SEV2"].includes(k.severity) &&
          k.services.includes(svc.a),
      ],
    ];
    for (const [name, query, keep] of filters) {
      test(`filter: ${name}`, async () => {
        const expected = expectedOrder(known.filter(keep), "created_at", true);
        const { ids } = await allPages(ctx, { ...query, limit: 3 });
        assert.deepEqual(ids, expected);
        if (name !== "unknown service" && name !== "q with no match")
          assert.ok(
            expected.length > 0 && expected.length < 25,
            `${name} should select some incidents but not all`,
          );
      });
    }

    test("filter: created range, after inclusive and before exclusive", async () => {
      const byTime = [...known].sort((a, b) => a.createdAt - b.createdAt || a.number - b.number);
      const from = byTime[5];
      const to = byTime[15];
      assert.ok(from && to);
      const after = new Date(from.createdAt).toISOString();
      const before = new Date(to.createdAt).toISOString();
      const inRange = (k: Known) => k.createdAt >= from.createdAt && k.createdAt < to.createdAt;
      assert.deepEqual(
        (await allPages(ctx, { created_after: after, created_before: before, sort: "created_at", limit: 4 }))
          .ids,
        expectedOrder(known.filter(inRange), "created_at", false),
      );
      assert.deepEqual(
        (await allPages(ctx, { created_after: after, limit: 5 })).ids,
        expectedOrder(
          known.filter((k) => k.createdAt >= from.createdAt),
          "created_at",
          true,
        ),
      );
      const offset = new Date(to.createdAt).toISOString().replace("Z", "+00:00");
      assert.deepEqual(
        (await allPages(ctx, { created_before: offset, limit: 5 })).ids,
        expectedOrder(
          known.filter((k) => k.createdAt < to.createdAt),
          "created_at",
          true,
        ),
      );
    });

    test("a page's cursor continues the same query", async () => {
      const first = await listIncidents(ctx, { status: "open", sort: "-severity", limit: 2 });
      assert.ok(first.next_cursor);
      const second = await listIncidents(ctx, {
        status: "open",
        sort: "-severity",
        limit: 2,
        cursor: first.next_cursor,
      });
      const expected = expectedOrder(
        known.filter((k) => ["triggered", "acknowledged", "investigating", "mitigating"].includes(k.status)),
        "severity",
        true,
      );
      assert.deepEqual(
        [...first.items, ...second.items].map((i) => i.id),
        expected.slice(0, 4),
      );
    });

    test("a bad cursor is INVALID_INPUT naming the cursor", async () => {
      const page = await listIncidents(ctx, { sort: "title", limit: 2 });
      assert.ok(page.next_cursor);
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const bad: [string, ListIncidentsQuery][] = [
        ["garbage", { cursor: "garbage!" }],
        ["not JSON", { cursor: Buffer.from("{v:1").toString("base64url") }],
        ["another sort's cursor", { sort: "-title", cursor: page.next_cursor }],
        ["missing fields", { sort: "id", cursor: encode({ v: 3 }) }],
        ["text where a number belongs", { sort: "id", cursor: encode({ v: "abc", n: 1, s: "id" }) }],
        ["a fractional incident number", { sort: "id", cursor: encode({ v: 3, n: 1.5, s: "id" }) }],
        ["a huge incident number", { sort: "id", cursor: encode({ v: 3, n: 1e12, s: "id" }) }],
        ["not a time", { sort: "-created_at", cursor: encode({ v: "yesterday", n: 1, s: "-created_at" }) }],
        ["text for a duration", { sort: "duration", cursor: encode({ v: "long", n: 1, s: "duration" }) }],
        [
          "a status rank that is not whole",
          { sort: "status", cursor: encode({ v: 2.5, n: 1, s: "status" }) },
        ],
        ["a NUL character in a title", { sort: "title", cursor: encode({ v: "a\u0000", n: 1, s: "title" }) }],
        ["a number for a title", { sort: "title", cursor: encode({ v: 1, n: 1, s: "title" }) }],
      ];
      for (const [what, query] of bad) {
        const error = await expectAppError(listIncidents(ctx, query), "INVALID_INPUT");
        assert.deepEqual(
          error.fields.map((f) => f.field),
          ["cursor"],
          what,
        );
      }
    });

    test("bad query parameters are all reported", async () => {
      const error = await expectAppError(
        listIncidents(ctx, {
          sort: "priority",
          limit: "0",
          status: "closed-ish",
          severity: "urgent",
          created_after: "yesterday",
          page: "2",
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual([...new Set(error.fields.map((f) => f.field))].sort(), [
        "(query)",
        "created_after",
        "limit",
        "severity",
        "sort",
        "status",
      ]);
      await expectAppError(listIncidents(ctx, { limit: 201 }), "INVALID_INPUT");
      for (const created_after of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00"]) {
        const outOfRange = await expectAppError(listIncidents(ctx, { created_after }), "INVALID_INPUT");
        assert.deepEqual(
          outOfRange.fields.map((f) => f.field),
          ["created_after"],
          created_after,
        );
      }
      await expectAppError(listIncidents(ctx, { limit: "ten" }), "INVALID_INPUT");
      await expectAppError(listIncidents(ctx, { q: "x".repeat(201) }), "INVALID_INPUT");
    });
  });
}
