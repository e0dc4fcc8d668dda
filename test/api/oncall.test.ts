// The on-call directory over HTTP, on both storage backends: people and how they are reached, teams,
// escalation policies and rules, schedules with overrides, who is on call, and the calendar feeds.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
type Field = { field: string; message: string };

/** Asserts an RFC 9457 problem with this status and code; returns its body. */
async function expectProblem(res: Response, status: number, code: string): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = JSON.parse(text) as Json;
  assert.equal(problem.code, code);
  assert.equal(typeof problem.detail, "string");
  return problem;
}

const fields = (problem: Json) => (problem.errors ?? []) as Field[];
const field = (problem: Json, name: string) => fields(problem).find((f) => f.field === name)?.message ?? "";

for (const backend of await testBackends()) {
  describe(`the on-call directory over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
    });
    after(async () => {
      await foghorn?.close();
    });

    async function ok(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}, status = 200) {
      const res = await foghorn.api(path, init);
      const text = await res.text();
      assert.equal(res.status, status, `${init.method ?? "GET"} ${path}: ${text}`);
      return (text ? JSON.parse(text) : null) as Json;
    }

    /** A new user (unique name) and an API token of their own. */
    async function person(prefix: string, extra: Json = {}) {
      const username = uniqueName(prefix);
      const user = await ok("/api/v1/users", { body: { username, ...extra } }, 201);
      const token = await ok("/api/v1/tokens", { body: { name: "test", username } }, 201);
      return { username, id: String(user.id), token: String(token.token) };
    }

    async function withEmail(prefix: string) {
      const p = await person(prefix);
      await ok(
        `/api/v1/users/${p.username}/contact-methods`,
        { body: { kind: "email", address: `${p.username}@example.com` } },
        201,
      );
      return p;
    }

    test("a person's time zone, contact methods, notification rules and warnings", async () => {
      const alice = await person("alice", { display_name: "Alice A." });
      const fresh = await ok(`/api/v1/users/${alice.username}`);
      assert.equal(fresh.time_zone, "UTC");
      assert.deepEqual(fresh.contact_methods, []);
      assert.match(String((fresh.warnings as string[])[0]), /has no contact method and cannot be paged/);

      const tz = await ok(`/api/v1/users/${alice.username}`, {
        method: "PATCH",
        body: { time_zone: "Europe/Berlin" },
        token: alice.token,
      });
      assert.equal(tz.time_zone, "Europe/Berlin");
      const badTz = await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}`, {
          method: "PATCH",
          body: { time_zone: "Berlin" },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(badTz, "time_zone"), /use an IANA name such as Europe\/Berlin/);

      const email = await ok(
        `/api/v1/users/${alice.username}/contact-methods`,
        { body: { kind: "email", address: "alice@example.com", label: "work" }, token: alice.token },
        201,
      );
      assert.equal(email.kind, "email");
      assert.equal(email.label, "work");
      const sms = await ok(
        `/api/v1/users/${alice.username}/contact-methods`,
        { body: { kind: "sms", address: "+49 151 1234 5678" } },
        201,
      );
      assert.equal(sms.address, "+4915112345678", "spaces are dropped from phone numbers");
      const slack = await ok(
        `/api/v1/users/${alice.username}/contact-methods`,
        { body: { kind: "slack", address: "u012ab3cd" } },
        201,
      );
      assert.equal(slack.address, "U012AB3CD");

      for (const [kind, address, hint] of [
        ["email", "alice at example", /email address such as alice@example.com/],
        ["slack", "@alice", /Slack member id such as U012AB3CD/],
        ["sms", "0151 1234", /E\.164 phone number such as \+4915112345678/],
        ["webhook", "ftp://x.example.com", /http\(s\) URL/],
      ] as const) {
        const problem = await expectProblem(
          await foghorn.api(`/api/v1/users/${alice.username}/contact-methods`, { body: { kind, address } }),
          422,
          "INVALID_INPUT",
        );
        assert.match(field(problem, "address"), hint, kind);
      }
      const badKind = await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}/contact-methods`, {
          body: { kind: "pager", address: "x" },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(badKind, "kind"), /must be one of email, slack, sms, voice, webhook, console/);
      await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}/contact-methods`, {
          body: { kind: "email", address: "alice@example.com" },
        }),
        409,
        "CONFLICT",
      );

      const rule = await ok(
        `/api/v1/users/${alice.username}/notification-rules`,
        { body: { contact_method_id: email.id, delay_minutes: 0 } },
        201,
      );
      assert.equal(rule.kind, "email");
      await ok(
        `/api/v1/users/${alice.username}/notification-rules`,
        { body: { contact_method_id: sms.id, delay_minutes: 5 } },
        201,
      );
      const tooLate = await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}/notification-rules`, {
          body: { contact_method_id: sms.id, delay_minutes: 2000 },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(tooLate, "delay_minutes"), /0–1440/);
      const notHers = await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}/notification-rules`, {
          body: { contact_method_id: "00000000-0000-4000-8000-000000000000", delay_minutes: 1 },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(notHers, "contact_method_id"), /not one of .*'s contact methods/);

      const view = await ok(`/api/v1/users/${alice.username}`);
      assert.equal(view.display_name, "Alice A.");
      assert.equal((view.contact_methods as Json[]).length, 3);
      assert.deepEqual(
        (view.notification_rules as Json[]).map((r) => [r.kind, r.delay_minutes]),
        [
          ["email", 0],
          ["sms", 5],
        ],
      );
      assert.deepEqual(view.warnings, [
        "slack U012AB3CD has no notification rule, so it is never used while other rules exist",
      ]);
      const rules = await ok(`/api/v1/users/${alice.username}/notification-rules`);
      assert.equal((rules.items as Json[]).length, 2);

      await ok(`/api/v1/notification-rules/${rule.id}`, { method: "DELETE" }, 204);
      await ok(`/api/v1/contact-methods/${slack.id}`, { method: "DELETE", token: alice.token }, 204);
      await expectProblem(
        await foghorn.api(`/api/v1/contact-methods/${slack.id}`, { method: "DELETE" }),
        404,
        "NOT_FOUND",
      );
      const methods = await ok(`/api/v1/users/${alice.username}/contact-methods`);
      assert.deepEqual(
        (methods.items as Json[]).map((m) => m.kind),
        ["email", "sms"],
      );
      const list = await ok("/api/v1/users");
      const listed = (list.items as Json[]).find((u) => u.username === alice.username);
      assert.equal(listed?.contact_methods, 2);
    });

    test("people may change only their own settings; admins anyone's; only admins add people", async () => {
      const bob = await person("bob");
      const carol = await person("carol");
      const refused = await expectProblem(
        await foghorn.api(`/api/v1/users/${carol.username}`, {
          method: "PATCH",
          body: { time_zone: "Asia/Tokyo" },
          token: bob.token,
        }),
        403,
        "FORBIDDEN",
      );
      assert.match(String(refused.detail), new RegExp(`Only ${carol.username} or an admin`));
      await expectProblem(
        await foghorn.api(`/api/v1/users/${carol.username}/contact-methods`, {
          body: { kind: "email", address: "x@example.com" },
          token: bob.token,
        }),
        403,
        "FORBIDDEN",
      );
      await expectProblem(
        await foghorn.api("/api/v1/users", { body: { username: uniqueName("eve") }, token: bob.token }),
        403,
        "FORBIDDEN",
      );
      await expectProblem(
        await foghorn.api(`/api/v1/users/${bob.username}`, {
          method: "PATCH",
          body: { role: "admin" },
          token: bob.token,
        }),
        403,
        "FORBIDDEN",
      );
      const admin = await ok(`/api/v1/users/${carol.username}`, {
        method: "PATCH",
        body: { time_zone: "Asia/Tokyo", role: "admin" },
      });
      assert.equal(admin.time_zone, "Asia/Tokyo");
      assert.equal(admin.role, "admin");
      await expectProblem(
        await foghorn.api("/api/v1/users", { body: { username: bob.username.toUpperCase() } }),
        409,
        "CONFLICT",
      );
      await expectProblem(await foghorn.api("/api/v1/users/nobody-here"), 404, "NOT_FOUND");
    });

    test("teams: create with members, add and remove, a manager, warnings, 404s", async () => {
      const dana = await withEmail("dana");
      const erin = await person("erin");
      const name = uniqueName("payments");
      const team = await ok(
        "/api/v1/teams",
        { body: { name, description: "Checkout and billing", members: [{ username: dana.username }] } },
        201,
      );
      assert.equal(team.name, name);
      assert.deepEqual(
        (team.members as Json[]).map((m) => [m.username, m.role]),
        [[dana.username, "member"]],
      );
      assert.deepEqual(team.warnings, []);

      const added = await ok(`/api/v1/teams/${name.toUpperCase()}/members/${erin.username}`, {
        method: "PUT",
        body: { role: "manager" },
      });
      assert.deepEqual(
        (added.members as Json[]).map((m) => [m.username, m.role]),
        [
          [erin.username, "manager"],
          [dana.username, "member"],
        ],
      );
      assert.deepEqual(added.warnings, [`${erin.username} has no contact method and cannot be paged`]);
      await ok(`/api/v1/teams/${team.id}/members/${dana.username}`, { method: "DELETE" }, 204);
      const after = await ok(`/api/v1/teams/${name}`);
      assert.equal((after.members as Json[]).length, 1);
      assert.match(String((after.warnings as string[])[0]), /no member of team .* has a contact method/);

      await expectProblem(
        await foghorn.api("/api/v1/teams", { body: { name: name.toUpperCase() } }),
        409,
        "CONFLICT",
      );
      const unknown = await expectProblem(
        await foghorn.api("/api/v1/teams", {
          body: {
            name: uniqueName("t"),
            members: [{ username: "ghost" }, { username: dana.username, role: "boss" }],
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(unknown, "members.1.role"), /must be one of member, manager/);
      await expectProblem(await foghorn.api("/api/v1/teams/no-such-team"), 404, "NOT_FOUND");
      await expectProblem(
        await foghorn.api(`/api/v1/teams/${name}/members/${dana.username}`, { method: "DELETE" }),
        404,
        "NOT_FOUND",
      );
      const renamed = await ok(`/api/v1/teams/${name}`, { method: "PATCH", body: { name: `${name}-x` } });
      assert.equal(renamed.name, `${name}-x`);
      const teams = await ok("/api/v1/teams");
      assert.ok((teams.items as Json[]).some((t) => t.name === `${name}-x`));
    });

    test("escalation policies: names resolve to targets, warnings, a service uses one, delete in use is 409", async () => {
      const frank = await withEmail("frank");
      const gina = await person("gina");
      const team = uniqueName("sre");
      await ok("/api/v1/teams", { body: { name: team } }, 201);
      const name = uniqueName("checkout-policy");
      const policy = await ok(
        "/api/v1/escalation-policies",
        {
          body: {
            name,
            repeat: 2,
            levels: [
              { targets: [{ type: "user", name: frank.username }] },
              { delay_minutes: 10, round_robin: true, targets: [{ type: "user", name: gina.username }] },
              { targets: [{ type: "team", name: team }] },
            ],
          },
        },
        201,
      );
      const levels = policy.levels as Json[];
      assert.equal(levels[0]?.delay_minutes, null, "omitted: the severity's ack target");
      assert.equal(levels[1]?.delay_minutes, 10);
      assert.equal(levels[1]?.round_robin, true);
      assert.deepEqual(levels[0]?.targets, [{ type: "user", id: frank.id, name: frank.username }]);
      assert.deepEqual(policy.warnings, [
        `level 2: ${gina.username} has no contact method and cannot be paged`,
        `level 3: team ${team} has no members: it pages no one`,
      ]);

      const bad = await expectProblem(
        await foghorn.api("/api/v1/escalation-policies", {
          body: {
            name: uniqueName("p"),
            repeat: 12,
            levels: [
              { targets: [{ type: "user", name: frank.username }] },
              {
                delay_minutes: 0,
                targets: [
                  { type: "schedule", name: "nope" },
                  { type: "robot", name: "x" },
                ],
              },
            ],
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(bad, "repeat"), /0–9/);
      assert.match(field(bad, "levels.1.delay_minutes"), /1–1440/);
      assert.match(field(bad, "levels.1.targets.1.type"), /must be one of user, schedule, team/);
      const unknownTarget = await expectProblem(
        await foghorn.api("/api/v1/escalation-policies", {
          body: {
            name: uniqueName("p"),
            levels: [
              { targets: [{ type: "user", name: frank.username }] },
              { targets: [{ type: "schedule", name: "nope" }] },
            ],
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(fields(unknownTarget), [
        {
          field: "levels.1.targets.0.name",
          message: 'no schedule "nope"; pick one from foghorn schedule list',
        },
      ]);
      await expectProblem(
        await foghorn.api("/api/v1/escalation-policies", { body: { name: name.toLowerCase(), levels: [] } }),
        409,
        "CONFLICT",
      );

      const service = uniqueName("checkout");
      await ok("/api/v1/services", { body: { name: service } }, 201);
      const linked = await ok(`/api/v1/services/${service}`, {
        method: "PATCH",
        body: { escalation_policy: name.toUpperCase() },
      });
      assert.equal(linked.escalation_policy, name);
      const unknownPolicy = await expectProblem(
        await foghorn.api(`/api/v1/services/${service}`, {
          method: "PATCH",
          body: { escalation_policy: "nope" },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(unknownPolicy, "escalation_policy"), /does not exist; see foghorn policy list/);
      assert.deepEqual((await ok(`/api/v1/escalation-policies/${policy.id}`)).services, [service]);

      const inUse = await expectProblem(
        await foghorn.api(`/api/v1/escalation-policies/${name}`, { method: "DELETE" }),
        409,
        "CONFLICT",
      );
      assert.match(String(inUse.detail), new RegExp(`used by services ${service}`));
      assert.deepEqual(inUse.services, [service]);
      const teamInUse = await expectProblem(
        await foghorn.api(`/api/v1/teams/${team}`, { method: "DELETE" }),
        409,
        "CONFLICT",
      );
      assert.match(String(teamInUse.detail), new RegExp(`still paged by escalation policies ${name}`));

      const changed = await ok(`/api/v1/escalation-policies/${name}`, {
        method: "PATCH",
        body: {
          repeat: 0,
          levels: [{ delay_minutes: 5, targets: [{ type: "user", name: frank.username }] }],
        },
      });
      assert.equal((changed.levels as Json[]).length, 1);
      assert.deepEqual(changed.warnings, []);
      await ok(`/api/v1/services/${service}`, { method: "PATCH", body: { escalation_policy: null } });
      await ok(`/api/v1/escalation-policies/${name}`, { method: "DELETE" }, 204);
      await ok(`/api/v1/teams/${team}`, { method: "DELETE" }, 204);
      await expectProblem(await foghorn.api(`/api/v1/escalation-policies/${name}`), 404, "NOT_FOUND");
      const empty = await ok(
        "/api/v1/escalation-policies",
        { body: { name: uniqueName("empty"), levels: [] } },
        201,
      );
      assert.deepEqual(empty.warnings, ["the policy has no levels: it pages no one"]);
    });

    test("escalation rules: severity aliases, tags, minutes, the condition in words", async () => {
      const legal = await withEmail("legal");
      const name = uniqueName("breach");
      const rule = await ok(
        "/api/v1/escalation-rules",
        {
          body: {
            name,
            severities: ["critical", "P2"],
            tags: ["Data-Breach"],
            unresolved_minutes: 30,
            targets: [{ type: "user", name: legal.username }],
          },
        },
        201,
      );
      assert.deepEqual(rule.severities, ["SEV1", "SEV2"]);
      assert.deepEqual(rule.tags, ["data-breach"]);
      assert.equal(rule.condition, "SEV1/SEV2, tag data-breach, unresolved for 30 min");
      assert.equal(rule.enabled, true);
      assert.deepEqual(rule.targets, [{ type: "user", id: legal.id, name: legal.username }]);

      const bad = await expectProblem(
        await foghorn.api("/api/v1/escalation-rules", {
          body: { name: uniqueName("r"), severities: ["urgent"], unresolved_minutes: -5, targets: [] },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(bad, "severities.0"), /must be one of SEV1/);
      assert.match(field(bad, "unresolved_minutes"), /1–10080/);
      assert.match(field(bad, "targets"), /at least one target/);

      const paused = await ok(`/api/v1/escalation-rules/${name}`, {
        method: "PATCH",
        body: { enabled: false },
      });
      assert.equal(paused.enabled, false);
      const any = await ok(
        "/api/v1/escalation-rules",
        { body: { name: uniqueName("any"), targets: [{ type: "user", name: legal.username }] } },
        201,
      );
      assert.equal(any.condition, "any incident");
      const list = await ok("/api/v1/escalation-rules");
      assert.ok((list.items as Json[]).some((r) => r.name === name && r.enabled === false));
      await ok(`/api/v1/escalation-rules/${rule.id}`, { method: "DELETE" }, 204);
      await expectProblem(await foghorn.api(`/api/v1/escalation-rules/${name}`), 404, "NOT_FOUND");
    });

    /** A weekly Monday 09:00 Berlin rotation of two people from T0's Monday (a DST change on 29 March). */
    async function weeklySchedule(first: string, second: string, extra: Json = {}) {
      const name = uniqueName("primary");
      const schedule = await ok(
        "/api/v1/schedules",
        {
          body: {
            name,
            time_zone: "Europe/Berlin",
            layers: [
              {
                name: "Weekly",
                start: "2026-03-02T09:00",
                rotation: { kind: "weekly", handoff_time: "09:00", handoff_weekday: "mon" },
                members: [first, second],
              },
            ],
            ...extra,
          },
        },
        201,
      );
      return { name, schedule };
    }

    test("schedules: create with usernames, who is on call at a fixed time, shifts across DST, warnings", async () => {
      const alice = await withEmail("alice");
      const bob = await withEmail("bob");
      const { name, schedule } = await weeklySchedule(alice.username, bob.username.toUpperCase());
      assert.equal(schedule.time_zone, "Europe/Berlin");
      const layers = schedule.layers as Json[];
      assert.deepEqual(layers[0]?.members, [alice.username, bob.username], "usernames ignore case");
      assert.deepEqual(layers[0]?.rotation, {
        kind: "weekly",
        handoff_time: "09:00",
        handoff_weekday: "mon",
      });
      assert.deepEqual(schedule.on_call_now, [alice.username]);
      assert.deepEqual(schedule.warnings, []);
      assert.match(
        String(schedule.calendar_url),
        /\/api\/v1\/schedules\/.+\/calendar\.ics\?token=[\w-]{43}$/,
      );

      const now = await ok(`/api/v1/schedules/${name}/on-call?at=2026-03-03T12:00:00Z`);
      assert.deepEqual(now.on_call, [
        { username: alice.username, display_name: "", source: "rotation", layer: "Weekly" },
      ]);
      assert.equal(now.until, "2026-03-09T08:00:00.000Z", "Monday 09:00 in Berlin (CET)");
      const week2 = await ok(`/api/v1/schedules/${name}/on-call?at=2026-03-10T12:00:00%2B01:00`);
      assert.deepEqual(
        (week2.on_call as Json[]).map((e) => e.username),
        [bob.username],
      );

      const shifts = await ok(
        `/api/v1/schedules/${name}/shifts?from=2026-03-23T00:00:00Z&to=2026-04-01T00:00:00Z`,
      );
      assert.deepEqual(shifts.shifts, [
        { start: "2026-03-23T00:00:00.000Z", end: "2026-03-23T08:00:00.000Z", users: [alice.username] },
        { start: "2026-03-23T08:00:00.000Z", end: "2026-03-30T07:00:00.000Z", users: [bob.username] },
        { start: "2026-03-30T07:00:00.000Z", end: "2026-04-01T00:00:00.000Z", users: [alice.username] },
      ]);
      assert.equal((shifts.layers as Json[])[0]?.name, "Weekly");
      const tooLong = await expectProblem(
        await foghorn.api(
          `/api/v1/schedules/${name}/shifts?from=2026-03-01T00:00:00Z&to=2026-07-01T00:00:00Z`,
        ),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(tooLong, "to"), /at most 90 days after from/);
      const badAt = await expectProblem(
        await foghorn.api(`/api/v1/schedules/${name}/on-call?at=tomorrow`),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(badAt, "at"), /ISO 8601 instant/);

      const everyone = await ok("/api/v1/on-call?at=2026-03-03T12:00:00Z");
      const mine = (everyone.items as Json[]).find((i) => i.schedule === name);
      assert.deepEqual(
        ((mine?.on_call ?? []) as Json[]).map((e) => e.username),
        [alice.username],
      );

      const bad = await expectProblem(
        await foghorn.api("/api/v1/schedules", {
          body: {
            name: uniqueName("bad"),
            time_zone: "Berlin",
            layers: [
              {
                name: "L",
                start: "2026-03-02 09:00",
                rotation: { kind: "weekly", handoff_time: "9am" },
                members: ["ghost"],
              },
            ],
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(bad, "time_zone"), /IANA/);
      assert.match(field(bad, "layers.0.start"), /local date and time like "2026-01-05T09:00"/);
      assert.match(field(bad, "layers.0.rotation.handoff_time"), /24-hour time/);
      const ghost = await expectProblem(
        await foghorn.api("/api/v1/schedules", {
          body: {
            name: uniqueName("ghost"),
            time_zone: "UTC",
            layers: [
              {
                name: "L",
                start: "2026-03-02T09:00",
                rotation: { kind: "daily", handoff_time: "09:00" },
                members: ["ghost"],
              },
            ],
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(ghost, "layers.0.members.0"), /no user "ghost"/);
      await expectProblem(
        await foghorn.api("/api/v1/schedules", {
          body: { name: name.toUpperCase(), time_zone: "UTC", layers: [] },
        }),
        409,
        "CONFLICT",
      );
      const empty = await ok(
        "/api/v1/schedules",
        { body: { name: uniqueName("empty"), time_zone: "UTC", layers: [] } },
        201,
      );
      assert.match(String((empty.warnings as string[])[0]), /no layers/);
      await expectProblem(await foghorn.api("/api/v1/schedules/nope/on-call"), 404, "NOT_FOUND");

      const replaced = await ok(`/api/v1/schedules/${name}`, {
        method: "PUT",
        body: {
          name,
          description: "Checkout primary",
          time_zone: "Europe/Berlin",
          layers: [
            {
              name: "Weekly",
              start: "2026-03-02T09:00",
              rotation: { kind: "weekly", handoff_time: "09:00" },
              members: [bob.username, alice.username],
            },
          ],
        },
      });
      assert.deepEqual(replaced.on_call_now, [bob.username]);
      assert.equal(replaced.calendar_url, schedule.calendar_url, "the calendar URL stays");
    });

    test("overrides: replace, add and remove change who is on call; validation; delete", async () => {
      const alice = await withEmail("alice");
      const bob = await withEmail("bob");
      const carol = await withEmail("carol");
      const { name } = await weeklySchedule(alice.username, bob.username);
      const replace = await ok(
        `/api/v1/schedules/${name}/overrides`,
        {
          body: {
            kind: "replace",
            user: carol.username,
            replaces: alice.username,
            start: "2026-03-04T12:00:00Z",
            end: "2026-03-04T18:00:00Z",
            note: "dentist",
          },
        },
        201,
      );
      assert.equal(replace.user, carol.username);
      assert.equal(replace.replaces, alice.username);
      assert.equal(replace.created_by, "admin");
      const during = await ok(`/api/v1/schedules/${name}/on-call?at=2026-03-04T13:00:00Z`);
      assert.deepEqual(during.on_call, [
        { username: carol.username, display_name: "", source: "override", layer: null },
      ]);
      assert.equal(during.until, "2026-03-04T18:00:00.000Z");
      await ok(
        `/api/v1/schedules/${name}/overrides`,
        {
          body: {
            kind: "add",
            user: bob.username,
            start: "2026-03-05T00:00:00Z",
            end: "2026-03-06T00:00:00Z",
          },
        },
        201,
      );
      const both = await ok(`/api/v1/schedules/${name}/on-call?at=2026-03-05T10:00:00Z`);
      assert.deepEqual(
        (both.on_call as Json[]).map((e) => e.username),
        [alice.username, bob.username],
      );

      const bad = await expectProblem(
        await foghorn.api(`/api/v1/schedules/${name}/overrides`, {
          body: {
            kind: "replace",
            user: "ghost",
            start: "2026-03-05T10:00:00Z",
            end: "2026-03-05T09:00:00Z",
          },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(bad, "user"), /no user "ghost"/);
      assert.match(field(bad, "replaces"), /is required/);
      assert.match(field(bad, "end"), /must be after the start/);
      const local = await expectProblem(
        await foghorn.api(`/api/v1/schedules/${name}/overrides`, {
          body: { kind: "add", user: bob.username, start: "2026-03-05 10:00", end: "2026-03-05T11:00:00Z" },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.match(field(local, "start"), /ISO 8601 instant with an offset/);

      const list = await ok(`/api/v1/schedules/${name}/overrides`);
      assert.deepEqual(
        (list.items as Json[]).map((o) => o.kind),
        ["replace", "add"],
      );
      await ok(`/api/v1/schedules/${name}/overrides/${replace.id}`, { method: "DELETE" }, 204);
      await expectProblem(
        await foghorn.api(`/api/v1/schedules/${name}/overrides/${replace.id}`, { method: "DELETE" }),
        404,
        "NOT_FOUND",
      );
      const after = await ok(`/api/v1/schedules/${name}/on-call?at=2026-03-04T13:00:00Z`);
      assert.deepEqual(
        (after.on_call as Json[]).map((e) => e.username),
        [alice.username],
      );
    });

    test("calendar feeds: text/calendar with the right token, 401 without; a person's feed; deleting a paged schedule is 409", async () => {
      const alice = await withEmail("alice");
      const bob = await withEmail("bob");
      const { name, schedule } = await weeklySchedule(alice.username, bob.username);
      const path = new URL(String(schedule.calendar_url)).pathname;
      const token = new URL(String(schedule.calendar_url)).searchParams.get("token") ?? "";

      const feed = await foghorn.api(`${path}?token=${token}`, { token: null });
      assert.equal(feed.status, 200);
      assert.equal(feed.headers.get("content-type"), "text/calendar; charset=utf-8");
      const ics = await feed.text();
      assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
      assert.match(ics, new RegExp(`SUMMARY:${alice.username} on call \\(${name}\\)`));
      assert.match(ics, /DTSTART:20260302T080000Z\r\nDTEND:20260309T080000Z/);

      for (const query of ["", "?token=", "?token=wrong", `?token=${token}x`]) {
        const refused = await expectProblem(
          await foghorn.api(`${path}${query}`, { token: null }),
          401,
          "UNAUTHENTICATED",
        );
        assert.match(String(refused.detail), /calendar link is not valid/);
      }
      await expectProblem(await foghorn.api(`${path}`, { headers: {} }), 401, "UNAUTHENTICATED");
      await expectProblem(
        await foghorn.api(`/api/v1/schedules/no-such-schedule/calendar.ics?token=${token}`, { token: null }),
        401,
        "UNAUTHENTICATED",
      );

      const rotated = await ok(`/api/v1/schedules/${name}/calendar-token`, { method: "POST" }, 201);
      assert.notEqual(rotated.calendar_url, schedule.calendar_url);
      await expectProblem(
        await foghorn.api(`${path}?token=${token}`, { token: null }),
        401,
        "UNAUTHENTICATED",
      );

      const link = await ok(
        `/api/v1/users/${alice.username}/calendar-token`,
        { method: "POST", token: alice.token },
        201,
      );
      assert.match(String(link.token), /^fhcal_/);
      const personal = await foghorn.api(
        `${new URL(String(link.calendar_url)).pathname}?token=${link.token}`,
        {
          token: null,
        },
      );
      assert.equal(personal.status, 200);
      assert.equal(personal.headers.get("content-type"), "text/calendar; charset=utf-8");
      const mine = await personal.text();
      assert.match(mine, new RegExp(`SUMMARY:On call: ${name}`));
      assert.doesNotMatch(mine, /DTSTART:20260309T080000Z/, "bob's week is not in alice's feed");
      await expectProblem(
        await foghorn.api("/api/v1/me", { token: String(link.token) }),
        401,
        "UNAUTHENTICATED",
      );
      await expectProblem(
        await foghorn.api(`/api/v1/users/${bob.username}/calendar.ics?token=${link.token}`, { token: null }),
        401,
        "UNAUTHENTICATED",
      );
      await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}/calendar-token`, {
          method: "POST",
          token: bob.token,
        }),
        403,
        "FORBIDDEN",
      );
      await ok(`/api/v1/users/${alice.username}/calendar-token`, { method: "POST" }, 201);
      await expectProblem(
        await foghorn.api(`/api/v1/users/${alice.username}/calendar.ics?token=${link.token}`, {
          token: null,
        }),
        401,
        "UNAUTHENTICATED",
      );

      const policy = uniqueName("p");
      await ok(
        "/api/v1/escalation-policies",
        { body: { name: policy, levels: [{ targets: [{ type: "schedule", name }] }] } },
        201,
      );
      const inUse = await expectProblem(
        await foghorn.api(`/api/v1/schedules/${name}`, { method: "DELETE" }),
        409,
        "CONFLICT",
      );
      assert.deepEqual(inUse.escalation_policies, [policy]);
      await ok(`/api/v1/escalation-policies/${policy}`, { method: "DELETE" }, 204);
      await ok(`/api/v1/schedules/${name}`, { method: "DELETE" }, 204);
      await expectProblem(await foghorn.api(`/api/v1/schedules/${name}`), 404, "NOT_FOUND");
    });

    test("fuzz: odd names in paths and odd bodies never answer 5xx", async () => {
      const alice = await withEmail("alice");
      const { name } = await weeklySchedule(alice.username, alice.username);
      const nasty = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom(
          "\u0000",
          "a\u0000b",
          "\ud800",
          "00000000-0000-4000-8000-000000000000",
          "..",
          "%",
          "a".repeat(300),
        ),
      );
      const value = fc.oneof(
        nasty,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(nasty, { maxLength: 3 }),
      );
      const body = (fields: string[]) =>
        fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: fields.length });
      const target = fc.record({ type: fc.constantFrom("user", "team", "schedule", "x"), name: nasty });
      const routes: [string, string, fc.Arbitrary<unknown>][] = [
        ["GET", "/api/v1/users/{x}", fc.constant(undefined)],
        ["GET", "/api/v1/teams/{x}", fc.constant(undefined)],
        ["GET", "/api/v1/escalation-policies/{x}", fc.constant(undefined)],
        ["GET", "/api/v1/escalation-rules/{x}", fc.constant(undefined)],
        ["GET", "/api/v1/schedules/{x}/on-call", fc.constant(undefined)],
        ["DELETE", "/api/v1/contact-methods/{x}", fc.constant(undefined)],
        ["DELETE", `/api/v1/schedules/${name}/overrides/{x}`, fc.constant(undefined)],
        ["GET", "/api/v1/schedules/{x}/calendar.ics?token={x}", fc.constant(undefined)],
        ["POST", "/api/v1/users", body(["username", "display_name", "role", "time_zone"])],
        ["PATCH", `/api/v1/users/${alice.username}`, body(["display_name", "time_zone", "role"])],
        ["POST", `/api/v1/users/${alice.username}/contact-methods`, body(["kind", "address", "label"])],
        [
          "POST",
          `/api/v1/users/${alice.username}/notification-rules`,
          body(["contact_method_id", "delay_minutes"]),
        ],
        ["POST", "/api/v1/teams", body(["name", "description", "members"])],
        [
          "POST",
          "/api/v1/escalation-policies",
          fc.record({
            name: nasty,
            repeat: value,
            levels: fc.array(
              fc.record({ delay_minutes: value, targets: fc.array(target, { maxLength: 2 }) }),
              {
                maxLength: 2,
              },
            ),
          }),
        ],
        [
          "POST",
          "/api/v1/escalation-rules",
          fc.record({
            name: nasty,
            severities: value,
            tags: value,
            unresolved_minutes: value,
            targets: fc.array(target),
          }),
        ],
        ["POST", "/api/v1/schedules", body(["name", "time_zone", "layers", "description"])],
        [
          "POST",
          `/api/v1/schedules/${name}/overrides`,
          body(["kind", "user", "replaces", "start", "end", "note"]),
        ],
      ];
      const segment = (s: string) =>
        [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
      for (const [method, path, bodies] of routes)
        await fc.assert(
          fc.asyncProperty(nasty, bodies, async (ref, payload) => {
            const url = path.replaceAll("{x}", segment(ref || "x"));
            const res = await foghorn.api(url, {
              method,
              ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
            });
            const text = await res.text();
            assert.ok(res.status < 500, `${method} ${url} ${JSON.stringify(payload)}: ${res.status} ${text}`);
          }),
          { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
        );
    });
  });
}
