/**
 * Every /api/v1 route the API tests exercise, in OpenAPI path syntax. system.test.ts checks that these lists,
 * the routes the server registers and the OpenAPI document are the same set; auth.test.ts checks that
 * each API_ROUTES entry refuses a request without a valid token or session.
 */
export interface ApiRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: "POST", path: "/api/v1/incidents" },
  { method: "GET", path: "/api/v1/incidents" },
  { method: "GET", path: "/api/v1/incidents/{id}" },
  { method: "PATCH", path: "/api/v1/incidents/{id}" },
  { method: "POST", path: "/api/v1/incidents/{id}/status" },
  { method: "POST", path: "/api/v1/incidents/{id}/roles" },
  { method: "GET", path: "/api/v1/incidents/{id}/timeline" },
  { method: "GET", path: "/api/v1/incidents/{id}/timeline/verify" },
  { method: "POST", path: "/api/v1/incidents/{id}/notes" },
  { method: "POST", path: "/api/v1/incidents/{id}/evidence" },
  { method: "POST", path: "/api/v1/incidents/{id}/status-updates" },
  { method: "POST", path: "/api/v1/incidents/{id}/action-items" },
  { method: "PATCH", path: "/api/v1/incidents/{id}/action-items/{itemId}" },
  { method: "POST", path: "/api/v1/incidents/{id}/action-items/{itemId}/complete" },
  { method: "POST", path: "/api/v1/incidents/{id}/action-items/file" },
  { method: "POST", path: "/api/v1/incidents/import-markdown" },
  { method: "GET", path: "/api/v1/incidents/{id}/markdown" },
  { method: "GET", path: "/api/v1/backlog" },
  { method: "GET", path: "/api/v1/audit" },
  { method: "POST", path: "/api/v1/admin/backup" },
  { method: "GET", path: "/api/v1/me" },
  { method: "POST", path: "/api/v1/tokens" },
  { method: "GET", path: "/api/v1/tokens" },
  { method: "DELETE", path: "/api/v1/tokens/{id}" },
  { method: "POST", path: "/api/v1/services/{name}/events" },
  { method: "GET", path: "/api/v1/services" },
  { method: "POST", path: "/api/v1/demo" },
  { method: "GET", path: "/api/v1/severities" },
  { method: "GET", path: "/api/v1/session" },
  { method: "DELETE", path: "/api/v1/session" },
  { method: "PUT", path: "/api/v1/users/{username}/password" },
  { method: "GET", path: "/api/v1/events" },
  { method: "POST", path: "/api/v1/services" },
  { method: "GET", path: "/api/v1/services/{name}" },
  { method: "PATCH", path: "/api/v1/services/{name}" },
  { method: "POST", path: "/api/v1/services/{name}/integrations" },
  { method: "GET", path: "/api/v1/integrations" },
  { method: "GET", path: "/api/v1/integrations/{id}" },
  { method: "PATCH", path: "/api/v1/integrations/{id}" },
  { method: "DELETE", path: "/api/v1/integrations/{id}" },
  { method: "POST", path: "/api/v1/integrations/{id}/dry-run" },
  { method: "GET", path: "/api/v1/alerts" },
  { method: "GET", path: "/api/v1/alerts/{id}" },
  { method: "GET", path: "/api/v1/incidents/{id}/alerts" },
  { method: "POST", path: "/api/v1/services/{name}/maintenance" },
  { method: "DELETE", path: "/api/v1/services/{name}/maintenance/{windowId}" },
  { method: "POST", path: "/api/v1/services/{name}/health-checks" },
  { method: "DELETE", path: "/api/v1/services/{name}/health-checks/{check}" },
  { method: "GET", path: "/api/v1/services/{name}/health-checks/{check}/results" },
  { method: "GET", path: "/api/v1/users" },
  { method: "POST", path: "/api/v1/users" },
  { method: "GET", path: "/api/v1/users/{username}" },
  { method: "PATCH", path: "/api/v1/users/{username}" },
  { method: "GET", path: "/api/v1/users/{username}/contact-methods" },
  { method: "POST", path: "/api/v1/users/{username}/contact-methods" },
  { method: "DELETE", path: "/api/v1/contact-methods/{id}" },
  { method: "POST", path: "/api/v1/contact-methods/{id}/test" },
  { method: "GET", path: "/api/v1/notifications" },
  { method: "POST", path: "/api/v1/notifications/{id}/retry" },
  { method: "GET", path: "/api/v1/engine" },
  { method: "POST", path: "/api/v1/engine/jobs/{id}/retry" },
  { method: "GET", path: "/api/v1/users/{username}/notification-rules" },
  { method: "POST", path: "/api/v1/users/{username}/notification-rules" },
  { method: "DELETE", path: "/api/v1/notification-rules/{ruleId}" },
  { method: "GET", path: "/api/v1/teams" },
  { method: "POST", path: "/api/v1/teams" },
  { method: "GET", path: "/api/v1/teams/{team}" },
  { method: "PATCH", path: "/api/v1/teams/{team}" },
  { method: "DELETE", path: "/api/v1/teams/{team}" },
  { method: "PUT", path: "/api/v1/teams/{team}/members/{username}" },
  { method: "DELETE", path: "/api/v1/teams/{team}/members/{username}" },
  { method: "GET", path: "/api/v1/escalation-policies" },
  { method: "POST", path: "/api/v1/escalation-policies" },
  { method: "GET", path: "/api/v1/escalation-policies/{policy}" },
  { method: "PATCH", path: "/api/v1/escalation-policies/{policy}" },
  { method: "DELETE", path: "/api/v1/escalation-policies/{policy}" },
  { method: "GET", path: "/api/v1/escalation-rules" },
  { method: "POST", path: "/api/v1/escalation-rules" },
  { method: "GET", path: "/api/v1/escalation-rules/{rule}" },
  { method: "PATCH", path: "/api/v1/escalation-rules/{rule}" },
  { method: "DELETE", path: "/api/v1/escalation-rules/{rule}" },
  { method: "GET", path: "/api/v1/schedules" },
  { method: "POST", path: "/api/v1/schedules" },
  { method: "GET", path: "/api/v1/schedules/{schedule}" },
  { method: "PUT", path: "/api/v1/schedules/{schedule}" },
  { method: "DELETE", path: "/api/v1/schedules/{schedule}" },
  { method: "GET", path: "/api/v1/schedules/{schedule}/overrides" },
  { method: "POST", path: "/api/v1/schedules/{schedule}/overrides" },
  { method: "DELETE", path: "/api/v1/schedules/{schedule}/overrides/{overrideId}" },
  { method: "GET", path: "/api/v1/schedules/{schedule}/on-call" },
  { method: "GET", path: "/api/v1/schedules/{schedule}/shifts" },
  { method: "GET", path: "/api/v1/on-call" },
  { method: "POST", path: "/api/v1/schedules/{schedule}/calendar-token" },
  { method: "POST", path: "/api/v1/users/{username}/calendar-token" },
  // Communication templates and the triage checklist (test/api/templates-checklist.test.ts).
  { method: "GET", path: "/api/v1/incidents/{id}/templates" },
  { method: "GET", path: "/api/v1/incidents/{id}/templates/{name}" },
  { method: "GET", path: "/api/v1/incidents/{id}/checklist" },
  { method: "PUT", path: "/api/v1/incidents/{id}/checklist/{key}" },
  // Runbooks and "check affected services" (test/api/runbooks.test.ts).
  { method: "GET", path: "/api/v1/runbooks" },
  { method: "POST", path: "/api/v1/runbooks/import" },
  { method: "GET", path: "/api/v1/runbooks/template" },
  { method: "GET", path: "/api/v1/services/{name}/runbook" },
  { method: "PUT", path: "/api/v1/services/{name}/runbook" },
  { method: "GET", path: "/api/v1/services/{name}/runbook/versions" },
  { method: "GET", path: "/api/v1/services/{name}/runbook/versions/{version}" },
  { method: "POST", path: "/api/v1/services/{name}/runbook/restore" },
  { method: "GET", path: "/api/v1/incidents/{id}/runbooks" },
  { method: "POST", path: "/api/v1/incidents/{id}/check-services" },
  // Postmortems (test/api/postmortems.test.ts).
  { method: "GET", path: "/api/v1/postmortems" },
  { method: "GET", path: "/api/v1/incidents/{id}/postmortem" },
  { method: "POST", path: "/api/v1/incidents/{id}/postmortem" },
  { method: "PUT", path: "/api/v1/incidents/{id}/postmortem" },
  { method: "POST", path: "/api/v1/incidents/{id}/postmortem/status" },
  { method: "GET", path: "/api/v1/incidents/{id}/postmortem.md" },
  { method: "POST", path: "/api/v1/incidents/{id}/postmortem/ai-draft" },
  // Custom fields and incident types (test/api/incident-types.test.ts).
  { method: "GET", path: "/api/v1/custom-fields" },
  { method: "POST", path: "/api/v1/custom-fields" },
  { method: "GET", path: "/api/v1/custom-fields/{key}" },
  { method: "PATCH", path: "/api/v1/custom-fields/{key}" },
  { method: "DELETE", path: "/api/v1/custom-fields/{key}" },
  { method: "GET", path: "/api/v1/incident-types" },
  { method: "POST", path: "/api/v1/incident-types" },
  { method: "GET", path: "/api/v1/incident-types/{name}" },
  { method: "PATCH", path: "/api/v1/incident-types/{name}" },
  { method: "DELETE", path: "/api/v1/incident-types/{name}" },
  // Status page configuration: settings, components, maintenance (test/api/status-page-admin.test.ts).
  { method: "GET", path: "/api/v1/status-page/settings" },
  { method: "PATCH", path: "/api/v1/status-page/settings" },
  { method: "GET", path: "/api/v1/status-page/components" },
  { method: "POST", path: "/api/v1/status-page/components" },
  { method: "GET", path: "/api/v1/status-page/components/{id}" },
  { method: "PATCH", path: "/api/v1/status-page/components/{id}" },
  { method: "DELETE", path: "/api/v1/status-page/components/{id}" },
  { method: "PUT", path: "/api/v1/status-page/components/{id}/status" },
  { method: "GET", path: "/api/v1/status-page/maintenances" },
  { method: "POST", path: "/api/v1/status-page/maintenances" },
  { method: "GET", path: "/api/v1/status-page/maintenances/{id}" },
  { method: "PATCH", path: "/api/v1/status-page/maintenances/{id}" },
  { method: "DELETE", path: "/api/v1/status-page/maintenances/{id}" },
  { method: "POST", path: "/api/v1/status-page/maintenances/{id}/updates" },
  // The whole public page as files, for `foghorn status export` (test/api/status-page-serving.test.ts).
  { method: "GET", path: "/api/v1/status-page/export" },
  // Status page subscribers (test/api/status-subscribers.test.ts).
  { method: "GET", path: "/api/v1/status-page/subscribers" },
  { method: "POST", path: "/api/v1/status-page/subscribers" },
  { method: "DELETE", path: "/api/v1/status-page/subscribers/{id}" },
  { method: "POST", path: "/api/v1/status-page/subscribers/{id}/enable" },
  // Metrics and insights (test/api/metrics.test.ts).
  { method: "GET", path: "/api/v1/metrics" },
  { method: "GET", path: "/api/v1/metrics/{section}" },
  // The weekly digest (test/api/metrics-digest.test.ts).
  { method: "GET", path: "/api/v1/metrics/digest" },
  { method: "POST", path: "/api/v1/metrics/digest/send" },
];

/** Operations of the document that need no authentication: signing in and first-run setup (session.test.ts). */
export const OPEN_API_ROUTES: readonly ApiRoute[] = [
  { method: "POST", path: "/api/v1/session" },
  { method: "POST", path: "/api/v1/setup" },
  { method: "GET", path: "/api/v1/heartbeats/{key}" },
  { method: "POST", path: "/api/v1/heartbeats/{key}" },
  { method: "PUT", path: "/api/v1/heartbeats/{key}" },
  // Calendar apps cannot send a bearer token: the feeds need their own ?token= instead (oncall.test.ts).
  { method: "GET", path: "/api/v1/schedules/{schedule}/calendar.ics" },
  { method: "GET", path: "/api/v1/users/{username}/calendar.ics" },
  // Signing in with SSO starts before anyone is signed in (oidc.test.ts).
  { method: "GET", path: "/api/v1/auth/methods" },
  { method: "GET", path: "/api/v1/auth/oidc/start" },
  { method: "GET", path: "/api/v1/auth/oidc/callback" },
];

/** The routes that serve the API's own documentation; open, and not operations of the document. */
export const DOC_ROUTES: readonly ApiRoute[] = [
  { method: "GET", path: "/api/v1/openapi.json" },
  { method: "GET", path: "/api/v1/docs" },
];

/** A concrete URL for a route: `{id}`, `{itemId}` and `{username}` replaced. */
export function urlFor(route: ApiRoute, params: { id: string; itemId: string }): string {
  return route.path
    .replace("{id}", params.id)
    .replace("{itemId}", params.itemId)
    .replace("{username}", "admin");
}

export function routeKey(route: ApiRoute): string {
  return `${route.method} ${route.path}`;
}
