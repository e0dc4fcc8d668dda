import type { SubscriberView } from "#app/status-page/subscribers.ts";
import type { CommandContext, CommandGroup, CommandNode, CommandSpec } from "../command.ts";
import { CliError, EXIT, usageError } from "../errors.ts";
import type { Colors } from "../output.ts";
import type { Cell } from "../table.ts";

// `foghorn status subscriber`: who hears about the status page's incidents and maintenance (email,
// webhook, Slack), and re-enabling one disabled after failed deliveries.

const BASE = "/api/v1/status-page/subscribers";
const KINDS = ["email", "webhook", "slack"];
const STATES = ["pending", "active", "disabled"];

type Created = SubscriberView & { secret?: string };
interface ComponentRow {
  id: string;
  name: string;
}

const SUBSCRIBER_ARG = {
  name: "SUBSCRIBER",
  description: "The subscriber: its id (or the start of it, as listed) or its email address / URL",
};

function stateCell(state: string, c: Colors): Cell {
  const paints: Record<string, (s: string) => string> = {
    active: c.green,
    pending: c.yellow,
    disabled: c.red,
  };
  return { text: state, paint: paints[state] ?? ((s: string) => s) };
}

/** Component names or ids → ids, by the page's components (a name is matched ignoring case). */
async function componentIds(ctx: CommandContext, refs: readonly string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const { components } = await ctx
    .api()
    .get<{ components: ComponentRow[] }>("/api/v1/status-page/components");
  return refs.map((ref) => {
    const wanted = ref.trim().toLowerCase();
    const found =
      components.find((c) => c.id === wanted) ?? components.find((c) => c.name.toLowerCase() === wanted);
    if (!found)
      throw usageError(
        `there is no status page component "${ref}"; the components are ${
          components.map((c) => c.name).join(", ") || "none yet (foghorn status component create NAME)"
        }`,
      );
    return found.id;
  });
}

/** A subscriber named by its id, the start of its id, or its target (ignoring case). */
async function findSubscriber(ctx: CommandContext, ref: string): Promise<SubscriberView> {
  const wanted = ref.trim().toLowerCase();
  // Lists show webhook URLs masked; the server compares a full address or URL against the stored one.
  const byTarget = (
    await ctx.api().get<{ subscribers: SubscriberView[] }>(`${BASE}?target=${encodeURIComponent(ref.trim())}`)
  ).subscribers;
  const { subscribers } = byTarget.length
    ? { subscribers: [] as SubscriberView[] }
    : await ctx.api().get<{ subscribers: SubscriberView[] }>(BASE);
  const matches = byTarget.length ? byTarget : subscribers.filter((s) => s.id.startsWith(wanted));
  const [only, second] = matches;
  if (only && !second) return only;
  if (second)
    throw usageError(
      `"${ref}" matches ${matches.length} subscribers; give more of the id (foghorn status subscriber list)`,
    );
  throw new CliError(
    EXIT.NOT_FOUND,
    `no status page subscriber "${ref}"; list them with: foghorn status subscriber list`,
  );
}

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List the status page's subscribers with their state and delivery failures",
  flags: [
    { name: "kind", type: "string", value: "KIND", description: "Only email, webhook or slack subscribers" },
    { name: "state", type: "string", value: "STATE", description: "Only pending, active or disabled ones" },
  ],
  connects: true,
  examples: [
    "foghorn status subscriber list",
    "foghorn status subscriber list --state disabled",
    "foghorn status subscriber list --kind webhook --json | jq -r '.subscribers[] | select(.consecutive_failures > 0) | .target'",
  ],
  async run(ctx) {
    const kind = ctx.args.string("kind");
    const state = ctx.args.string("state");
    if (kind !== undefined && !KINDS.includes(kind))
      throw usageError(`--kind must be one of ${KINDS.join(", ")}`);
    if (state !== undefined && !STATES.includes(state))
      throw usageError(`--state must be one of ${STATES.join(", ")}`);
    const page = await ctx.api().get<{ subscribers: SubscriberView[] }>(BASE, { query: { kind, state } });
    ctx.out.result(page, ({ subscribers }) => {
      if (subscribers.length === 0) {
        ctx.out.print(kind || state ? "No subscribers match." : "No subscribers yet. Add one:");
        if (!kind && !state) ctx.out.print(`  ${add.examples[0]}`);
        return;
      }
      const c = ctx.out.color;
      ctx.out.table(
        ["ID", "KIND", "TARGET", "COMPONENTS", "STATE", "FAILURES", "LAST ERROR"],
        subscribers.map((s) => [
          s.id.slice(0, 8),
          s.kind,
          s.target,
          s.component_ids.length ? s.component_ids.join(", ") : "all",
          stateCell(s.state, c),
          String(s.consecutive_failures),
          s.last_error ?? "-",
        ]),
      );
    });
    return 0;
  },
};

const add: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Add an email, webhook or Slack subscriber (a webhook's signing secret is printed once)",
  description:
    "An email address gets a confirmation mail first (double opt-in) unless --skip-confirmation; SMTP must\n" +
    "be configured (email.host). A webhook receives signed JSON (docs/status-page.md, Subscribers); a Slack\n" +
    "subscriber is an incoming webhook URL on hooks.slack.com (--any-url for Slack-compatible services).\n" +
    "After 3 failed deliveries in a row a subscriber is disabled and --contact is told by email.",
  args: [
    { name: "KIND", description: "email, webhook or slack" },
    { name: "TARGET", description: "The email address, webhook URL or Slack incoming webhook URL" },
  ],
  flags: [
    {
      name: "component",
      type: "string",
      multiple: true,
      value: "COMPONENT",
      description: "Only this component's incidents and maintenance (name or id; repeat; default: all)",
    },
    {
      name: "contact",
      type: "string",
      value: "EMAIL",
      description: "Webhook and Slack: who is told by email when it is disabled after failures",
    },
    {
      name: "skip-confirmation",
      type: "boolean",
      description: "Email: active at once, without the confirmation mail (you vouch for the address)",
    },
    {
      name: "any-url",
      type: "boolean",
      description: "Slack: accept a Slack-compatible webhook URL not on hooks.slack.com (Mattermost, …)",
    },
  ],
  connects: true,
  examples: [
    "foghorn status subscriber add webhook https://ops.example.com/hooks/status --contact ops@example.com",
    "foghorn status subscriber add email alice@example.com --component API --component Checkout",
    "foghorn status subscriber add slack https://hooks.slack.com/services/T000/B000/XXXX --contact ops@example.com",
  ],
  async run(ctx) {
    const a = ctx.args;
    const kind = a.arg("KIND").trim().toLowerCase();
    if (!KINDS.includes(kind))
      throw usageError(`KIND must be one of ${KINDS.join(", ")}, got "${a.arg("KIND")}"`);
    const contact = a.string("contact");
    const ids = await componentIds(ctx, a.strings("component"));
    const body = {
      kind,
      target: a.arg("TARGET"),
      ...(ids.length ? { component_ids: ids } : {}),
      ...(contact !== undefined ? { contact_email: contact } : {}),
      ...(a.boolean("skip-confirmation") ? { skip_confirmation: true } : {}),
      ...(a.boolean("any-url") ? { any_url: true } : {}),
    };
    const created = await ctx.api().post<Created>(BASE, body, {
      fieldNames: {
        kind: "KIND",
        target: "TARGET",
        component_ids: "--component",
        contact_email: "--contact",
        skip_confirmation: "--skip-confirmation",
        any_url: "--any-url",
      },
    });
    ctx.out.result(created, (s) => {
      const what = s.state === "pending" ? "; a confirmation mail is on its way" : "";
      ctx.out.print(`Added ${s.kind} subscriber ${s.target} (${s.state}${what}).`);
      ctx.out.print(ctx.out.color.dim(`id ${s.id}`));
      if (s.secret) {
        ctx.out.print("Its signing secret (shown once; the receiver verifies X-Foghorn-Signature with it):");
        ctx.out.print("");
        ctx.out.print(`    ${s.secret}`);
        ctx.out.print("");
      }
    });
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "remove",
  aliases: ["rm", "delete"],
  summary: "Remove a subscriber: nothing more is sent to it",
  args: [SUBSCRIBER_ARG],
  connects: true,
  examples: [
    "foghorn status subscriber remove alice@example.com",
    "foghorn status subscriber remove 3f1c2d7e",
  ],
  async run(ctx) {
    const sub = await findSubscriber(ctx, ctx.args.arg("SUBSCRIBER"));
    await ctx.api().request<unknown>("DELETE", `${BASE}/${encodeURIComponent(sub.id)}`);
    ctx.out.result({ id: sub.id, target: sub.target, removed: true }, () =>
      ctx.out.print(`Removed ${sub.kind} subscriber ${sub.target}.`),
    );
    return 0;
  },
};

const enable: CommandSpec = {
  kind: "command",
  name: "enable",
  summary: "Re-enable a subscriber disabled after failed deliveries",
  description:
    "Its failure count starts again at 0. Notifications from while it was disabled are not sent again.",
  args: [SUBSCRIBER_ARG],
  connects: true,
  examples: [
    "foghorn status subscriber enable https://ops.example.com/hooks/status",
    "foghorn status subscriber list --state disabled --json | jq -r '.subscribers[].id' | xargs -n1 foghorn status subscriber enable",
  ],
  async run(ctx) {
    const sub = await findSubscriber(ctx, ctx.args.arg("SUBSCRIBER"));
    const enabled = await ctx.api().post<SubscriberView>(`${BASE}/${encodeURIComponent(sub.id)}/enable`);
    ctx.out.result(enabled, (s) => {
      ctx.out.print(
        sub.state === "disabled"
          ? `Re-enabled ${s.kind} subscriber ${s.target}; it is ${s.state}.`
          : `${s.kind} subscriber ${s.target} was not disabled; it is ${s.state}.`,
      );
    });
    return 0;
  },
};

const subscriberGroup: CommandGroup = {
  kind: "group",
  name: "subscriber",
  summary: "Status page subscribers: email (double opt-in), webhooks and Slack",
  description:
    "People subscribe by email on the page itself; here you list them, add webhooks, Slack channels and\n" +
    "addresses by hand, remove them, and re-enable one disabled after 3 failed deliveries in a row.",
  children: [list, add, remove, enable],
  examples: [
    "foghorn status subscriber list",
    "foghorn status subscriber add webhook https://ops.example.com/hooks/status --contact ops@example.com",
    "foghorn status subscriber enable https://ops.example.com/hooks/status",
  ],
};

/** `foghorn status subscriber …` */
export const STATUS_SUBSCRIBER_COMMANDS: readonly CommandNode[] = [subscriberGroup];
