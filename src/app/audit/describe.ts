// Which API operations are configuration changes, and what the audit log calls them: the action
// (`<resource>.<verb>`) and the target (type and id), derived from the method and the URL pattern so that a
// new operation is audited without anyone remembering to. Pure: tested in describe.test.ts.

/** The access levels whose changes are configuration (respond is incident work, in the incident's timeline). */
const CONFIG_ACCESS = new Set(["manage", "admin", "self"]);

/**
 * Operations whose use cases write their own, richer audit entries (sign-in and sign-out, tokens, password
 * changes, SSO): the generic record would be a duplicate without the detail.
 */
const RECORDED_BY_USE_CASE = [
  /^\/api\/v1\/session(\/|$)/,
  /^\/api\/v1\/setup(\/|$)/,
  /^\/api\/v1\/tokens(\/|$)/,
  /\/password$/,
];

/** Operations that change nothing: a dry run, a test page, sending the weekly digest now. */
const NOT_CHANGES = [
  /\/dry-run$/,
  /^\/api\/v1\/contact-methods\/:\w+\/test$/,
  /^\/api\/v1\/metrics\/digest\/send$/,
];

/** A POST to `<thing>/:id/<verb>` does the verb to the thing (rather than creating a `<verb>`). */
const VERBS = new Set(["enable", "disable", "retry", "restore", "import", "import-markdown", "test", "send"]);

/** Actions named by hand where the URL says it badly. */
const ACTIONS: Record<string, string> = {
  "POST /api/v1/demo": "demo.load",
  "PATCH /api/v1/status-page/settings": "status_page.update",
};

/** Resource names that need their parent to be clear. */
const RESOURCES: Record<string, string> = { member: "team_member", maintenance: "maintenance_window" };

export interface OperationShape {
  method: string;
  url: string;
  access?: string;
  /** The operation's own name for its audit action, or false: not a configuration change. */
  auditAction?: string | false;
}

/** Is a successful call of this operation a configuration change the audit log records? */
export function isConfigChange(op: OperationShape): boolean {
  if (op.auditAction === false) return false;
  if (op.auditAction) return true;
  if (op.method === "GET" || !op.access || !CONFIG_ACCESS.has(op.access)) return false;
  if (RECORDED_BY_USE_CASE.some((re) => re.test(op.url))) return false;
  return !NOT_CHANGES.some((re) => re.test(op.url));
}

export interface ChangeDescription {
  action: string;
  targetType: string;
  targetId: string;
}

/** "escalation-policies" → "escalation_policy". */
export function singular(segment: string): string {
  const word = segment.replaceAll("-", "_");
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("ses") && !word.endsWith("uses")) return word.slice(0, -1);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) return word.slice(0, -1);
  return word;
}

const isParam = (segment: string) => segment.startsWith(":");

/** The identifier a created record is known by in URLs: its name for named things, else its id. */
function createdId(after: unknown, paramName: string | undefined): string {
  if (!after || typeof after !== "object") return "";
  const body = after as Record<string, unknown>;
  const byParam: Record<string, string[]> = {
    username: ["username"],
    key: ["key"],
    name: ["name"],
  };
  const named = ["team", "policy", "schedule", "rule", "check", "component"];
  const fields = paramName
    ? (byParam[paramName] ?? (named.includes(paramName) ? ["name", "id"] : ["id"]))
    : ["id", "name", "key", "username"];
  for (const f of fields) {
    const v = body[f];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return "";
}

export interface DescribeInput {
  method: string;
  url: string;
  auditAction?: string | false;
  /** The request's path parameters. */
  params: Record<string, string>;
  /** The response body (what was created, for its id). */
  after?: unknown;
  /**
   * The URL patterns of every registered operation: a resource with its own top-level URL
   * (`/api/v1/contact-methods/:id`) is identified by its id alone, others by their parent's too
   * (`payments/api-ping` for a service's health check).
   */
  urls: ReadonlySet<string>;
}

/**
 * The action and target of a configuration change: `POST /services` → service.create, `PATCH
 * /services/:name` → service.update (target service/payments), `DELETE /teams/:team/members/:username` →
 * team_member.delete (target team_member/sre/alice), `POST /status-page/subscribers/:id/enable` →
 * status_subscriber.enable.
 */
export function describeChange(input: DescribeInput): ChangeDescription {
  const path = input.url.replace(/^\/api\/v1\//, "");
  let parts = path.split("/").filter(Boolean);
  let verb: string | undefined;
  const last = parts.at(-1);
  if (input.method === "POST" && last && !isParam(last) && parts.length > 1 && VERBS.has(last)) {
    verb = last.replaceAll("-", "_");
    parts = parts.slice(0, -1);
  }
  let index = parts.length - 1;
  while (index >= 0 && isParam(parts[index] ?? "")) index--;
  const word = parts[index] ?? "api";
  const prefix = parts[0] === "status-page" && index > 0 ? "status_" : "";
  const noun = singular(word);
  const resource = prefix + (RESOURCES[noun] ?? noun);
  const own = parts[index + 1];
  const ownParam = own && isParam(own) ? own.slice(1) : undefined;
  verb ??= input.method === "DELETE" ? "delete" : input.method === "POST" && !ownParam ? "create" : "update";
  const value = (segment: string) => input.params[segment.slice(1)] ?? "";
  const parents = parts.slice(0, index).filter(isParam).map(value);
  // The parameter name the resource is addressed by, from an operation on one of them.
  const addressedBy = [...input.urls]
    .map((u) => u.replace(/^\/api\/v1\//, "").split("/"))
    .find((u) => u.length >= 2 && u.at(-2) === word && isParam(u.at(-1) ?? ""))
    ?.at(-1)
    ?.slice(1);
  const topLevel = [...input.urls].some((u) => new RegExp(`^/api/v1/${escapeRegExp(word)}/:\\w+$`).test(u));
  let targetId: string;
  if (ownParam) targetId = input.params[ownParam] ?? "";
  else if (verb === "create") targetId = createdId(input.after, addressedBy);
  else targetId = "";
  const scoped = topLevel && (ownParam || verb === "create") ? [] : parents;
  targetId = [...scoped, targetId].filter((s) => s !== "").join("/");
  const action = (input.auditAction || ACTIONS[`${input.method} ${input.url}`]) ?? `${resource}.${verb}`;
  return { action, targetType: action.split(".")[0] ?? resource, targetId };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
