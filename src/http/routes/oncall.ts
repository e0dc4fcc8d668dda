import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  addContactMethod,
  addNotificationRule,
  CreateContactMethodInput,
  CreateNotificationRuleInput,
  listPersonContactMethods,
  listPersonNotificationRules,
  removeContactMethod,
  removeNotificationRule,
} from "#app/oncall/contact-methods.ts";
import {
  CreateEscalationRuleInput,
  createRule,
  getRule,
  listRules,
  removeRule,
  UpdateEscalationRuleInput,
  updateRule,
} from "#app/oncall/escalation-rules.ts";
import {
  CreatePolicyInput,
  createPolicy,
  getPolicy,
  listPolicies,
  removePolicy,
  UpdatePolicyInput,
  updatePolicy,
} from "#app/oncall/policies.ts";
import {
  CreateTeamInput,
  createTeam,
  getTeam,
  listTeamsWithMembers,
  removeTeam,
  removeTeamMember,
  setTeamMember,
  TeamMemberInput,
  UpdateTeamInput,
  updateTeamSettings,
} from "#app/oncall/teams.ts";
import {
  CreateUserInput,
  createPerson,
  getPerson,
  listPeople,
  UpdateUserInput,
  updatePerson,
} from "#app/oncall/users.ts";
import type { ApiRegistry } from "../openapi.ts";
import { registerScheduleRoutes } from "./oncall-schedules.ts";

type P = Record<string, string>;
const param = (req: FastifyRequest, name: string) => (req.params as P)[name] ?? "";

/** The on-call directory: people and how they are reached, teams, escalation policies and rules, schedules. */
export function registerOnCallRoutes(app: FastifyInstance, api: ApiRegistry): void {
  registerPeopleRoutes(app, api);
  registerTeamRoutes(app, api);
  registerPolicyRoutes(app, api);
  registerRuleRoutes(app, api);
  registerScheduleRoutes(app, api);
}

function registerPeopleRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "People";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/users",
      access: "read",
      tag,
      summary: "List people with their time zone and what keeps them from being paged",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listPeople(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/users",
      access: "admin",
      tag,
      summary: "Add a person (admins)",
      description:
        "Usernames are unique ignoring case. Set a web password with PUT /users/{username}/password.",
      body: CreateUserInput,
      success: 201,
      responseDescription: "The person",
    },
    (req, ctx) => createPerson(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/users/:username",
      access: "read",
      tag,
      summary: "A person's on-call set-up: contact methods, notification rules, teams, warnings",
      success: 200,
      responseDescription: "The person",
    },
    (req, ctx) => getPerson(ctx, param(req, "username")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/users/:username",
      access: "self",
      tag,
      summary: "Change a person's display name or time zone (themselves or an admin), or role (admins)",
      body: UpdateUserInput,
      success: 200,
      responseDescription: "The person",
    },
    (req, ctx) => updatePerson(ctx, param(req, "username"), req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/users/:username/contact-methods",
      access: "read",
      tag,
      summary: "A person's contact methods",
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => listPersonContactMethods(ctx, param(req, "username")),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/users/:username/contact-methods",
      access: "self",
      tag,
      summary: "Add a contact method: email, Slack member id, phone (sms, voice), webhook URL or console",
      description:
        "Without notification rules every contact method is notified as soon as the person is paged.",
      body: CreateContactMethodInput,
      success: 201,
      responseDescription: "The contact method",
    },
    (req, ctx) => addContactMethod(ctx, param(req, "username"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/contact-methods/:id",
      access: "self",
      tag,
      summary: "Remove a contact method and its notification rules",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeContactMethod(ctx, param(req, "id"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/users/:username/notification-rules",
      access: "read",
      tag,
      summary: "A person's notification rules, soonest first",
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => listPersonNotificationRules(ctx, param(req, "username")),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/users/:username/notification-rules",
      access: "self",
      tag,
      summary: "Notify a contact method N minutes after a page, while it is unacknowledged",
      description: "Once a person has rules, only the contact methods the rules name are used.",
      body: CreateNotificationRuleInput,
      success: 201,
      responseDescription: "The rule",
    },
    (req, ctx) => addNotificationRule(ctx, param(req, "username"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/notification-rules/:ruleId",
      access: "self",
      tag,
      summary: "Remove a notification rule",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeNotificationRule(ctx, param(req, "ruleId"));
      return null;
    },
  );
}

function registerTeamRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Teams";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/teams",
      access: "read",
      tag,
      summary: "List teams with their members",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listTeamsWithMembers(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/teams",
      access: "manage",
      tag,
      summary: "Create a team, optionally with members",
      body: CreateTeamInput,
      success: 201,
      responseDescription: "The team",
    },
    (req, ctx) => createTeam(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/teams/:team",
      access: "read",
      tag,
      summary: "A team (by name or id) with its members and warnings",
      success: 200,
      responseDescription: "The team",
    },
    (req, ctx) => getTeam(ctx, param(req, "team")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/teams/:team",
      access: "manage",
      tag,
      summary: "Rename a team or change its description",
      body: UpdateTeamInput,
      success: 200,
      responseDescription: "The team",
    },
    (req, ctx) => updateTeamSettings(ctx, param(req, "team"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/teams/:team",
      access: "manage",
      tag,
      summary: "Delete a team (refused while an escalation policy or rule pages it)",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeTeam(ctx, param(req, "team"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/teams/:team/members/:username",
      access: "manage",
      tag,
      summary: "Add a person to a team, or change their role in it (member or manager)",
      body: TeamMemberInput,
      success: 200,
      responseDescription: "The team",
    },
    (req, ctx) => setTeamMember(ctx, param(req, "team"), param(req, "username"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/teams/:team/members/:username",
      access: "manage",
      tag,
      summary: "Remove a person from a team",
      success: 204,
      responseDescription: "Removed",
    },
    async (req, ctx) => {
      await removeTeamMember(ctx, param(req, "team"), param(req, "username"));
      return null;
    },
  );
}

function registerPolicyRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Escalation policies";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/escalation-policies",
      access: "read",
      tag,
      summary: "List escalation policies with their levels, services and warnings",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listPolicies(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/escalation-policies",
      access: "manage",
      tag,
      summary: "Create an escalation policy",
      description:
        "Levels page their targets ({type: user|schedule|team, name}) in order, each waiting delay_minutes " +
        "(default: the incident severity's ack target) for an acknowledgement; the policy runs 1 + repeat times.",
      body: CreatePolicyInput,
      success: 201,
      responseDescription: "The policy, with warnings when it can page no one",
    },
    (req, ctx) => createPolicy(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/escalation-policies/:policy",
      access: "read",
      tag,
      summary: "An escalation policy (by name or id)",
      success: 200,
      responseDescription: "The policy",
    },
    (req, ctx) => getPolicy(ctx, param(req, "policy")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/escalation-policies/:policy",
      access: "manage",
      tag,
      summary: "Change an escalation policy; levels, when given, replace all levels",
      body: UpdatePolicyInput,
      success: 200,
      responseDescription: "The policy",
    },
    (req, ctx) => updatePolicy(ctx, param(req, "policy"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/escalation-policies/:policy",
      access: "manage",
      tag,
      summary: "Delete an escalation policy (409 naming the services that still use it)",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removePolicy(ctx, param(req, "policy"));
      return null;
    },
  );
}

function registerRuleRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Escalation rules";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/escalation-rules",
      access: "read",
      tag,
      summary: "List escalation rules with their conditions in words",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listRules(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/escalation-rules",
      access: "manage",
      tag,
      summary: "Create an escalation rule: severities, tags, unresolved for N minutes → targets",
      description:
        "A rule fires once per open incident that matches every condition given. Severities take any " +
        "spelling (SEV1, critical, P1).",
      body: CreateEscalationRuleInput,
      success: 201,
      responseDescription: "The rule",
    },
    (req, ctx) => createRule(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/escalation-rules/:rule",
      access: "read",
      tag,
      summary: "An escalation rule (by name or id)",
      success: 200,
      responseDescription: "The rule",
    },
    (req, ctx) => getRule(ctx, param(req, "rule")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/escalation-rules/:rule",
      access: "manage",
      tag,
      summary: "Change an escalation rule (enabled: false pauses it)",
      body: UpdateEscalationRuleInput,
      success: 200,
      responseDescription: "The rule",
    },
    (req, ctx) => updateRule(ctx, param(req, "rule"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/escalation-rules/:rule",
      access: "manage",
      tag,
      summary: "Delete an escalation rule",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeRule(ctx, param(req, "rule"));
      return null;
    },
  );
}
