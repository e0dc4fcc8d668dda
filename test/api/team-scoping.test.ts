// Team scoping over HTTP, on both storage backends: a manager changes only their teams' services,
// schedules, escalation policies and teams; admins change anything (docs/access.md).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testBackends } from "#store/testing.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

for (const backend of await testBackends()) {
  describe(`team scoping (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
    });
    after(async () => {
      await foghorn?.close();
    });

    async function call(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}) {
      const res = await foghorn.api(path, init);
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, text };
    }

    async function ok(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}): Promise<Json> {
      const res = await call(path, init);
      assert.ok(res.status < 300, `${path}: ${res.status} ${res.text}`);
      return res.body;
    }

    async function manager() {
      const username = uniqueName("mgr");
      await ok("/api/v1/users", { body: { username, role: "manager" } });
      const token = await ok("/api/v1/tokens", { body: { name: "t", username } });
      return { username, token: String(token.token) };
    }

    const schedule = (name: string, member: string, team?: string) => ({
      name,
      time_zone: "UTC",
      ...(team ? { team } : {}),
      layers: [
        {
          name: "L",
          start: "2026-03-02T09:00",
          rotation: { kind: "weekly", handoff_time: "09:00" },
          members: [member],
        },
      ],
    });

    test("managers change their own team's service, schedule and policy; another team's answer 403 naming it", async () => {
      const payments = uniqueName("payments");
      const search = uniqueName("search");
      const pam = await manager();
      const sam = await manager();
      await ok("/api/v1/teams", { body: { name: payments, members: [{ username: pam.username }] } });
      await ok("/api/v1/teams", { body: { name: search, members: [{ username: sam.username }] } });

      // Services: the owner is shown, and only its team's managers change it (and its integrations, checks…).
      const checkout = uniqueName("checkout");
      await ok("/api/v1/services", { body: { name: checkout } });
      await ok(`/api/v1/services/${checkout}`, { method: "PATCH", body: { team: payments } });
      assert.equal((await ok(`/api/v1/services/${checkout}`)).team, payments);
      const other = await call(`/api/v1/services/${checkout}`, {
        method: "PATCH",
        body: { description: "mine now" },
        token: sam.token,
      });
      assert.equal(other.status, 403);
      assert.match(String(other.body.detail), new RegExp(`belongs to team ${payments}`));
      for (const [path, body] of [
        [`/api/v1/services/${checkout}/integrations`, { kind: "pagerduty" }],
        [`/api/v1/services/${checkout}/health-checks`, { name: "api", url: "https://example.com/health" }],
        [`/api/v1/services/${checkout}/runbook`, { body: "# Runbook" }],
      ] as const) {
        const res = await call(path, {
          method: path.endsWith("runbook") ? "PUT" : "POST",
          body,
          token: sam.token,
        });
        assert.equal(res.status, 403, `${path}: ${res.text}`);
      }
      await ok(`/api/v1/services/${checkout}`, {
        method: "PATCH",
        body: { description: "ours" },
        token: pam.token,
      });
      const integration = await ok(`/api/v1/services/${checkout}/integrations`, {
        body: { kind: "pagerduty" },
        token: pam.token,
      });
      assert.equal(
        (await call(`/api/v1/integrations/${integration.id}`, { method: "DELETE", token: sam.token })).status,
        403,
      );
      // A manager may not hand a service to a team they are not in.
      const handOff = await call(`/api/v1/services/${checkout}`, {
        method: "PATCH",
        body: { team: search },
        token: pam.token,
      });
      assert.equal(handOff.status, 403);

      // Schedules and policies take `team` on create and update, and show it.
      const rota = uniqueName("rota");
      const created = await ok("/api/v1/schedules", {
        body: schedule(rota, pam.username, payments),
        token: pam.token,
      });
      assert.equal(created.team, payments);
      const replaced = await call(`/api/v1/schedules/${rota}`, {
        method: "PUT",
        body: schedule(rota, sam.username),
        token: sam.token,
      });
      assert.equal(replaced.status, 403);
      assert.match(String(replaced.body.detail), new RegExp(`Schedule ${rota} belongs to team ${payments}`));
      assert.equal(
        (await call(`/api/v1/schedules/${rota}`, { method: "DELETE", token: sam.token })).status,
        403,
      );
      const foreign = await call("/api/v1/schedules", {
        body: schedule(uniqueName("rota"), sam.username, payments),
        token: sam.token,
      });
      assert.equal(foreign.status, 403, "a manager may not create things owned by another team");

      const policy = uniqueName("policy");
      const made = await ok("/api/v1/escalation-policies", {
        body: { name: policy, team: payments, levels: [{ targets: [{ type: "schedule", name: rota }] }] },
        token: pam.token,
      });
      assert.equal(made.team, payments);
      const patch = await call(`/api/v1/escalation-policies/${policy}`, {
        method: "PATCH",
        body: { description: "x" },
        token: sam.token,
      });
      assert.equal(patch.status, 403);
      assert.match(String(patch.body.detail), new RegExp(`team ${payments}`));
      await ok(`/api/v1/escalation-policies/${policy}`, {
        method: "PATCH",
        body: { repeat: 1 },
        token: pam.token,
      });
      // Admins change anything.
      await ok(`/api/v1/escalation-policies/${policy}`, { method: "PATCH", body: { team: search } });
      assert.equal((await ok(`/api/v1/escalation-policies/${policy}`)).team, search);
      await ok(`/api/v1/escalation-policies/${policy}`, {
        method: "PATCH",
        body: { repeat: 2 },
        token: sam.token,
      });
      const unknown = await call(`/api/v1/escalation-policies/${policy}`, {
        method: "PATCH",
        body: { team: "no-such-team" },
      });
      assert.equal(unknown.status, 422);
    });

    test("teams: managers create them (and join), and change only teams they belong to", async () => {
      const pam = await manager();
      const sam = await manager();
      const team = uniqueName("infra");
      const created = await ok("/api/v1/teams", { body: { name: team }, token: pam.token });
      assert.ok(
        (created.members as Json[]).some((m) => m.username === pam.username),
        "the manager who creates a team joins it",
      );
      const refused = await call(`/api/v1/teams/${team}`, {
        method: "PATCH",
        body: { description: "taken over" },
        token: sam.token,
      });
      assert.equal(refused.status, 403);
      assert.match(String(refused.body.detail), new RegExp(`not a member of team ${team}`));
      assert.equal(
        (
          await call(`/api/v1/teams/${team}/members/${sam.username}`, {
            method: "PUT",
            body: {},
            token: sam.token,
          })
        ).status,
        403,
      );
      await ok(`/api/v1/teams/${team}`, { method: "PATCH", body: { description: "ours" }, token: pam.token });
      const viewer = uniqueName("viewer");
      await ok("/api/v1/users", { body: { username: viewer, role: "viewer" } });
      const vt = await ok("/api/v1/tokens", { body: { name: "t", username: viewer } });
      assert.equal(
        (await call("/api/v1/teams", { body: { name: uniqueName("x") }, token: String(vt.token) })).status,
        403,
      );
    });

    test("only an admin changes a role, to any of viewer, responder, manager, admin", async () => {
      const pam = await manager();
      const self = await call(`/api/v1/users/${pam.username}`, {
        method: "PATCH",
        body: { role: "admin" },
        token: pam.token,
      });
      assert.equal(self.status, 403);
      assert.match(String(self.body.detail), /Only an admin may change a user's role/);
      for (const role of ["viewer", "responder", "manager", "admin"]) {
        const changed = await ok(`/api/v1/users/${pam.username}`, { method: "PATCH", body: { role } });
        assert.equal(changed.role, role);
      }
      const bad = await call(`/api/v1/users/${pam.username}`, { method: "PATCH", body: { role: "owner" } });
      assert.equal(bad.status, 422);
    });
  });
}
