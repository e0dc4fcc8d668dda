// The authorization matrix, generated from the OpenAPI document: every authenticated operation × every role
// (viewer, responder, manager, admin) × own/other team's resource × public/private incident. Expected
// answers come from the operation's x-foghorn-access and src/domain/auth/access.ts roleAllows, not from a
// list kept here. PGlite only (the same checks on PostgreSQL are the private-incident and team-scoping tests).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { type AccessLevel, roleAllows, scopeAllows, USER_ROLES, type UserRole } from "#domain/auth/access.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  access: AccessLevel;
  hasBody: boolean;
}

interface Actor {
  role: UserRole;
  username: string;
  token: string;
  /** A contact method no rule uses (the DELETE and test operations take it). */
  contactMethodId: string;
  ruleId: string;
  spareTokenId: string;
}

/** Which team's resource a path parameter picks. */
type Side = "own" | "other";

/** Is this a team-scoped path (a service, schedule, policy, team, or a service's integration)? */
function teamScoped(path: string): boolean {
  if (path.startsWith("/api/v1/integrations/{id}")) return true;
  if (path.startsWith("/api/v1/services/{name}")) return true;
  if (path.startsWith("/api/v1/schedules/{schedule}")) return true;
  if (path.startsWith("/api/v1/escalation-policies/{policy}")) return true;
  if (path.startsWith("/api/v1/teams/{team}")) return true;
  return false;
}

/** Does the operation act on one user's own things (self level with a user-owned path parameter)? */
function userOwned(path: string): boolean {
  return /^\/api\/v1\/(users\/\{username\}|contact-methods\/\{id\}|notification-rules\/\{ruleId\}|tokens\/\{id\})/.test(
    path,
  );
}

describe("authorization matrix from the OpenAPI document (pglite)", () => {
  let foghorn: TestFoghorn;
  let operations: Operation[] = [];
  const actors = new Map<UserRole, Actor>();
  const seed: Record<string, string> = {};
  const team = { own: "", other: "" };
  const side: Record<Side, Record<string, string>> = { own: {}, other: {} };
  const scopeTokens: Record<string, string> = {};
  /** Another user, whose things the "self" operations must refuse to change (unless the caller is an admin). */
  let bystander: Actor;

  async function ok(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}): Promise<Json> {
    const res = await foghorn.api(path, init);
    const text = await res.text();
    assert.ok(
      res.status < 300,
      `${init.method ?? (init.body ? "POST" : "GET")} ${path}: ${res.status} ${text}`,
    );
    return text ? (JSON.parse(text) as Json) : {};
  }

  async function person(role: UserRole): Promise<Actor> {
    const username = uniqueName(role);
    await ok("/api/v1/users", { body: { username, role } });
    const token = await ok("/api/v1/tokens", {
      body: { name: "matrix", username, scope: role === "admin" ? "admin" : "write" },
    });
    const spare = await ok("/api/v1/tokens", { body: { name: "spare", username, scope: "read" } });
    const cm = await ok(`/api/v1/users/${username}/contact-methods`, {
      body: { kind: "email", address: `${username}@example.com` },
    });
    const rule = await ok(`/api/v1/users/${username}/notification-rules`, {
      body: { contact_method_id: cm.id, delay_minutes: 0 },
    });
    // Deleting a contact method deletes its rules: the one the matrix deletes has none.
    const spareMethod = await ok(`/api/v1/users/${username}/contact-methods`, {
      body: { kind: "email", address: `${username}.spare@example.com` },
    });
    return {
      role,
      username,
      token: String(token.token),
      contactMethodId: String(spareMethod.id),
      ruleId: String(rule.id),
      spareTokenId: String(spare.id),
    };
  }

  function schedule(name: string, members: string[], teamName: string) {
    return {
      name,
      time_zone: "UTC",
      team: teamName,
      layers: [
        {
          name: "L",
          start: "2026-03-02T09:00",
          rotation: { kind: "weekly", handoff_time: "09:00" },
          members,
        },
      ],
    };
  }

  before(async () => {
    foghorn = await startTestFoghorn("pglite");
    const doc = (await ok("/api/v1/openapi.json")) as { paths: Record<string, Record<string, Json>> };
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const access = op["x-foghorn-access"] as AccessLevel | undefined;
        if (!access) continue; // open operations (sign-in, heartbeats, calendar feeds) need no role
        operations.push({
          method: method.toUpperCase(),
          path,
          access,
          hasBody: op.requestBody !== undefined,
        });
      }

    // Two teams; every matrix user belongs to team A (the "own" team).
    team.own = uniqueName("team-a");
    team.other = uniqueName("team-b");
    const member = uniqueName("member");
    await ok("/api/v1/users", { body: { username: member, role: "responder" } });
    await ok("/api/v1/teams", { body: { name: team.own, members: [{ username: member }] } });
    await ok("/api/v1/teams", { body: { name: team.other, members: [{ username: member }] } });
    for (const role of USER_ROLES) {
      const a = await person(role);
      actors.set(role, a);
      await ok(`/api/v1/teams/${team.own}/members/${a.username}`, { method: "PUT", body: {} });
    }
    seed.member = member;
    bystander = await person("responder");

    for (const s of ["own", "other"] as const) {
      const teamName = team[s];
      const service = uniqueName(`svc-${s}`);
      const sched = uniqueName(`sched-${s}`);
      const policy = uniqueName(`pol-${s}`);
      await ok("/api/v1/services", { body: { name: service } });
      await ok("/api/v1/schedules", { body: schedule(sched, [member], teamName) });
      // The policy pages the schedule and the team, and the service uses the policy: deleting any of them is
      // refused (409) while the others exist, so the seed survives the DELETE operations.
      await ok("/api/v1/escalation-policies", {
        body: {
          name: policy,
          team: teamName,
          levels: [
            {
              targets: [
                { type: "schedule", name: sched },
                { type: "team", name: teamName },
              ],
            },
          ],
        },
      });
      await ok(`/api/v1/services/${service}`, {
        method: "PATCH",
        body: { team: teamName, escalation_policy: policy },
      });
      const integration = await ok(`/api/v1/services/${service}/integrations`, {
        body: { kind: "pagerduty" },
      });
      Object.assign(side[s], {
        team: teamName,
        name: service,
        schedule: sched,
        policy,
        integration: String(integration.id),
      });
    }

    // A public incident, and a private one declared by someone outside the matrix users.
    const declarer = uniqueName("declarer");
    await ok("/api/v1/users", { body: { username: declarer, role: "responder" } });
    const declarerToken = await ok("/api/v1/tokens", { body: { name: "d", username: declarer } });
    const pub = await ok("/api/v1/incidents", {
      body: { title: "Public matrix incident", severity: "SEV3" },
    });
    seed.publicIncident = String(pub.id);
    const priv = await ok("/api/v1/incidents", {
      body: { title: "Private matrix incident", severity: "SEV3", private: true },
      token: String(declarerToken.token),
    });
    seed.privateIncident = String(priv.id);
    for (const [key, id] of [
      ["publicItem", seed.publicIncident],
      ["privateItem", seed.privateIncident],
    ] as const) {
      const item = await ok(`/api/v1/incidents/${id}/action-items`, { body: { title: "Add an alert" } });
      seed[key] = String(item.id);
    }
    for (const scope of ["read", "write", "admin", "ingest"]) {
      const t = await ok("/api/v1/tokens", {
        body: { name: `scope-${scope}`, username: actors.get("admin")?.username, scope },
      });
      scopeTokens[scope] = String(t.token);
    }
    // Mutating operations run last, and DELETEs of nested things before their containers.
    const rank = (op: Operation) => (op.method === "GET" ? 0 : op.method === "DELETE" ? 2 : 1);
    operations = operations.sort(
      (a, b) => rank(a) - rank(b) || b.path.split("/").length - a.path.split("/").length,
    );
  });

  after(async () => {
    await foghorn?.close();
  });

  /** The path with its parameters filled from the seed. */
  function fill(
    op: Operation,
    actor: Actor,
    opts: { side: Side; incident: "public" | "private" | "missing"; ownUser: boolean },
  ): string {
    const s = side[opts.side];
    const owner = opts.ownUser ? actor : bystander;
    const incident =
      opts.incident === "public"
        ? seed.publicIncident
        : opts.incident === "private"
          ? seed.privateIncident
          : "INC-999999";
    return op.path.replace(/\{(\w+)\}/g, (_m, param: string) => {
      const p = op.path;
      switch (param) {
        case "id":
          if (p.startsWith("/api/v1/incidents/")) return String(incident);
          if (p.startsWith("/api/v1/integrations/")) return s.integration ?? randomUUID();
          if (p.startsWith("/api/v1/contact-methods/")) return owner.contactMethodId;
          if (p.startsWith("/api/v1/tokens/")) return owner.spareTokenId;
          if (p.startsWith("/api/v1/alerts/")) return "ALR-999999";
          return randomUUID();
        case "itemId":
          return opts.incident === "private" ? String(seed.privateItem) : String(seed.publicItem);
        case "username":
          return p.startsWith("/api/v1/teams/") ? String(seed.member) : owner.username;
        case "ruleId":
          return owner.ruleId;
        case "name":
          return p.startsWith("/api/v1/services/") ? String(s.name) : "no-such-thing";
        case "schedule":
          return String(s.schedule);
        case "policy":
          return String(s.policy);
        case "team":
          return String(s.team);
        case "section":
          return "response_times";
        case "version":
          return "1";
        default:
          return "no-such-thing";
      }
    });
  }

  async function send(
    op: Operation,
    path: string,
    token: string,
    body: unknown = {},
  ): Promise<{ status: number; body: Json }> {
    const res = await foghorn.api(path, {
      method: op.method,
      token,
      ...(op.hasBody || op.method === "POST" || op.method === "PUT" || op.method === "PATCH" ? { body } : {}),
      headers: { accept: "application/json" },
    });
    if (op.path === "/api/v1/events") {
      await res.body?.cancel();
      return { status: res.status, body: {} };
    }
    const text = await res.text();
    let answer: Json = {};
    try {
      answer = JSON.parse(text) as Json;
    } catch {
      // markdown, CSV and calendar answers
    }
    return { status: res.status, body: answer };
  }

  const describeOp = (op: Operation) => `${op.method} ${op.path} [${op.access}]`;

  test("the document lists operations of every access level, each with x-foghorn-access", () => {
    assert.ok(operations.length > 100, `only ${operations.length} operations`);
    const levels = new Set(operations.map((o) => o.access));
    for (const level of ["read", "self", "respond", "manage", "admin"] as const)
      assert.ok(levels.has(level), `no operation needs ${level}`);
  });

  test("every operation × role × own/other team × public/private incident answers as the access rules say", async () => {
    const failures: string[] = [];
    const expect = (ok: boolean, what: string) => {
      if (!ok) failures.push(what);
    };
    let requests = 0;
    for (const op of operations) {
      const sides: Side[] = teamScoped(op.path) ? ["other", "own"] : ["own"];
      const incidents: ("public" | "private")[] = op.path.startsWith("/api/v1/incidents/{id}")
        ? ["private", "public"]
        : ["public"];
      for (const role of USER_ROLES) {
        const actor = actors.get(role) as Actor;
        const allowed = roleAllows(role, op.access);
        for (const s of sides)
          for (const incident of incidents) {
            const ownUser = true;
            const path = fill(op, actor, { side: s, incident, ownUser });
            const res = await send(op, path, actor.token);
            requests++;
            const label = `${describeOp(op)} as ${role} (${s} team, ${incident} incident) → ${res.status} ${String(res.body.detail ?? "")}`;
            if (!allowed) {
              expect(res.status === 403, `${label}: expected 403`);
              continue;
            }
            if (incident === "private" && role !== "admin") {
              // Not a participant: the same answer as an incident that does not exist.
              const missing = await send(
                op,
                fill(op, actor, { side: s, incident: "missing", ownUser }),
                actor.token,
              );
              requests++;
              const norm = (b: Json) =>
                JSON.stringify({ ...b, instance: undefined, request_id: undefined }).replace(
                  /INC-\d+/g,
                  "INC-?",
                );
              expect(
                res.status === missing.status && norm(res.body) === norm(missing.body),
                `${label}: expected the answer for a missing incident (${missing.status})`,
              );
              if (op.method === "GET") expect(res.status === 404, `${label}: expected 404`);
              continue;
            }
            if (s === "other" && role === "manager" && op.access === "manage") {
              expect(res.status === 403, `${label}: expected 403 (another team's resource)`);
              if (res.status === 403)
                expect(
                  String(res.body.detail).includes(team.other),
                  `${label}: the refusal should name team ${team.other}`,
                );
              continue;
            }
            expect(res.status !== 403, `${label}: expected not 403`);
          }
        // "self" operations on another user's things: refused unless admin.
        if (op.access === "self" && userOwned(op.path) && allowed) {
          // A valid body where the use case reads it before deciding (a refusal must not depend on the body).
          const body = op.path.endsWith("/password") ? { password: "matrix-password-0123456789" } : {};
          const res = await send(
            op,
            fill(op, actor, { side: "own", incident: "public", ownUser: false }),
            actor.token,
            body,
          );
          requests++;
          const label = `${describeOp(op)} as ${role} on another user's → ${res.status} ${String(res.body.detail ?? "")}`;
          if (role === "admin") expect(res.status !== 403, `${label}: expected not 403`);
          else if (op.method !== "GET") expect(res.status === 403, `${label}: expected 403`);
        }
      }
    }
    assert.ok(requests > 500, `only ${requests} requests`);
    assert.deepEqual(failures, []);
  });

  test("token scopes: read, write, admin and ingest tokens of an admin on a sample of operations", async () => {
    const sample = operations.filter(
      (o) =>
        (o.method === "GET" && o.path === "/api/v1/incidents") ||
        (o.method === "POST" && o.path === "/api/v1/incidents/{id}/notes") ||
        (o.method === "PATCH" && o.path === "/api/v1/services/{name}") ||
        (o.method === "POST" && o.path === "/api/v1/users"),
    );
    assert.equal(sample.length, 4);
    const admin = actors.get("admin") as Actor;
    const failures: string[] = [];
    for (const op of sample)
      for (const [scope, token] of Object.entries(scopeTokens)) {
        const res = await send(
          op,
          fill(op, admin, { side: "own", incident: "public", ownUser: true }),
          token,
        );
        const allowed = scopeAllows(scope, op.access);
        const label = `${describeOp(op)} with a ${scope} token → ${res.status} ${String(res.body.detail ?? "")}`;
        if (allowed && res.status === 403) failures.push(`${label}: expected not 403`);
        if (!allowed && res.status !== 403) failures.push(`${label}: expected 403`);
        if (!allowed && res.status === 403 && !String(res.body.detail).includes("scope"))
          failures.push(`${label}: the refusal should name the token's scope`);
      }
    assert.deepEqual(failures, []);
  });
});
