import type { CommandGroup, CommandSpec, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import {
  type ContactMethod,
  minutesOf,
  type NotificationRule,
  type PersonDetail,
  printWarnings,
  userFlagOrMe,
  userPath,
} from "./oncall-shared.ts";
import { printPerson } from "./user-directory.ts";

// `foghorn contact`: how a person is reached (contact methods) and when (notification rules).

const KINDS = ["email", "slack", "sms", "voice", "webhook", "console"] as const;

const USER_FLAG: FlagSpec = {
  name: "user",
  type: "string",
  value: "USERNAME",
  description: "Whose contact methods (default: you; admins may change anyone's)",
};

const add: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Add a contact method: email, Slack member id, phone number (sms, voice), webhook URL, console",
  description:
    "Addresses are checked per kind: an email address; a Slack member id (U…; in Slack: profile → ⋮ →\n" +
    "Copy member ID); an E.164 phone number with country code (+4915112345678; spaces are fine); an\n" +
    "http(s) URL for a webhook; any label for console (pages go to the server log, for development).\n" +
    "Without notification rules every contact method is notified as soon as you are paged; --notify-after\n" +
    "adds rules for this method (once any rule exists, only methods with rules are used).",
  args: [
    { name: "KIND", description: KINDS.join(", ") },
    { name: "ADDRESS", description: "The address, e.g. alice@example.com or +4915112345678" },
  ],
  flags: [
    USER_FLAG,
    { name: "label", type: "string", value: "TEXT", description: 'What you call it, e.g. "work phone"' },
    {
      name: "notify-after",
      type: "string",
      multiple: true,
      value: "MINUTES",
      description:
        "Add notification rules: notify this method N minutes after a page (0 = at once), e.g. 0,10m",
    },
  ],
  connects: true,
  examples: [
    "foghorn contact add email alice@example.com",
    'foghorn contact add sms "+49 151 1234 5678" --user alice --label mobile --notify-after 5m',
    "foghorn contact add slack U012AB3CD --notify-after 0",
  ],
  async run(ctx) {
    const given = ctx.args.arg("KIND");
    const kind = KINDS.find((k) => k === given.trim().toLowerCase());
    if (!kind) throw usageError(`KIND must be one of ${KINDS.join(", ")}; got "${given}"`);
    const delays = ctx.args.strings("notify-after").map((d) => minutesOf("notify-after", d));
    const username = await userFlagOrMe(ctx);
    const label = ctx.args.string("label");
    const method = await ctx
      .api()
      .post<ContactMethod>(
        userPath(username, "/contact-methods"),
        { kind, address: ctx.args.arg("ADDRESS"), ...(label !== undefined ? { label } : {}) },
        { fieldNames: { kind: "KIND", address: "ADDRESS", label: "--label" } },
      );
    const rules: NotificationRule[] = [];
    for (const delay of delays)
      rules.push(
        await ctx
          .api()
          .post<NotificationRule>(
            userPath(username, "/notification-rules"),
            { contact_method_id: method.id, delay_minutes: delay },
            { fieldNames: { delay_minutes: "--notify-after" } },
          ),
      );
    const person = await ctx.api().get<PersonDetail>(userPath(username));
    ctx.out.result({ ...method, notification_rules: rules, warnings: person.warnings }, (m) => {
      ctx.out.print(`Added ${m.kind} ${m.address} for ${username} (id ${m.id}).`);
      for (const r of rules)
        ctx.out.print(
          `Notified ${r.delay_minutes === 0 ? "at once" : `${r.delay_minutes} min`} after a page.`,
        );
      printWarnings(ctx.out, person.warnings);
    });
    return 0;
  },
};

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List a person's contact methods, notification rules and warnings",
  flags: [USER_FLAG],
  connects: true,
  examples: ["foghorn contact list", "foghorn contact list --user alice --json | jq '.contact_methods'"],
  async run(ctx) {
    const person = await ctx.api().get<PersonDetail>(userPath(await userFlagOrMe(ctx)));
    ctx.out.result(person, (p) => printPerson(ctx, p));
    return 0;
  },
};

const remove: CommandSpec = {
  kind: "command",
  name: "remove",
  aliases: ["rm"],
  summary: "Remove a contact method (and its notification rules)",
  args: [{ name: "ID", description: "The contact method's id (from contact list)" }],
  connects: true,
  examples: [
    "foghorn contact remove 3f1c2d7e-0a4b-4c8e-9f6d-2b5a7c9e1d30",
    "foghorn contact list --json | jq -r '.contact_methods[] | select(.kind == \"sms\") | .id' | xargs -n1 foghorn contact remove",
  ],
  async run(ctx) {
    const id = ctx.args.arg("ID").trim();
    await ctx.api().request<unknown>("DELETE", `/api/v1/contact-methods/${encodeURIComponent(id)}`);
    ctx.out.result({ id, deleted: true }, () => ctx.out.print(`Removed contact method ${id}.`));
    return 0;
  },
};

const test: CommandSpec = {
  kind: "command",
  name: "test",
  summary: "Send a test message to a contact method through its real channel",
  description:
    "The message goes out within seconds; `foghorn paging list` shows whether it was sent or why not.",
  args: [{ name: "ID", description: "The contact method's id (from contact list)" }],
  connects: true,
  examples: [
    "foghorn contact test 3f1c2d7e-0a4b-4c8e-9f6d-2b5a7c9e1d30",
    "foghorn contact list --json | jq -r '.contact_methods[].id' | xargs -n1 foghorn contact test",
  ],
  async run(ctx) {
    const id = ctx.args.arg("ID").trim();
    const result = await ctx
      .api()
      .request<{ id: string | null; via: string; to: string }>(
        "POST",
        `/api/v1/contact-methods/${encodeURIComponent(id)}/test`,
      );
    ctx.out.result(result, (r) =>
      ctx.out.print(`Test message queued for ${r.to} by ${r.via}; check it arrived (foghorn paging list).`),
    );
    return 0;
  },
};

const ruleAdd: CommandSpec = {
  kind: "command",
  name: "add",
  summary: "Notify a contact method N minutes after a page, while it is unacknowledged",
  args: [{ name: "CONTACT_ID", description: "The contact method's id (from contact list)" }],
  flags: [
    USER_FLAG,
    {
      name: "after",
      type: "string",
      value: "MINUTES",
      description: "Minutes after the page, 0–1440, e.g. 0 or 10m (required)",
    },
  ],
  connects: true,
  examples: [
    "foghorn contact rule add 3f1c2d7e-0a4b-4c8e-9f6d-2b5a7c9e1d30 --after 0",
    "foghorn contact rule add 9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d --after 10m --user alice",
  ],
  async run(ctx) {
    const after = minutesOf("after", ctx.args.requiredString("after"));
    const username = await userFlagOrMe(ctx);
    const rule = await ctx
      .api()
      .post<NotificationRule>(
        userPath(username, "/notification-rules"),
        { contact_method_id: ctx.args.arg("CONTACT_ID").trim(), delay_minutes: after },
        { fieldNames: { contact_method_id: "CONTACT_ID", delay_minutes: "--after" } },
      );
    ctx.out.result(rule, (r) =>
      ctx.out.print(
        `${username}: ${r.kind} ${r.address} is notified ${r.delay_minutes} min after a page (rule ${r.id}).`,
      ),
    );
    return 0;
  },
};

const ruleRemove: CommandSpec = {
  kind: "command",
  name: "remove",
  aliases: ["rm"],
  summary: "Remove a notification rule",
  args: [{ name: "RULE_ID", description: "The rule's id (from contact list)" }],
  connects: true,
  examples: [
    "foghorn contact rule remove 5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
    "foghorn contact list --json | jq -r '.notification_rules[].id' | xargs -n1 foghorn contact rule remove",
  ],
  async run(ctx) {
    const id = ctx.args.arg("RULE_ID").trim();
    if (id === "") throw usageError("contact rule remove needs RULE_ID");
    await ctx.api().request<unknown>("DELETE", `/api/v1/notification-rules/${encodeURIComponent(id)}`);
    ctx.out.result({ id, deleted: true }, () => ctx.out.print(`Removed notification rule ${id}.`));
    return 0;
  },
};

const ruleGroup: CommandGroup = {
  kind: "group",
  name: "rule",
  summary: "Notification rules: which contact method, how many minutes after a page",
  children: [ruleAdd, ruleRemove],
  examples: ["foghorn contact rule add 3f1c2d7e-0a4b-4c8e-9f6d-2b5a7c9e1d30 --after 10m"],
};

export const contactGroup: CommandGroup = {
  kind: "group",
  name: "contact",
  summary: "Manage how people are reached: contact methods and notification rules",
  description:
    "A person is paged on their contact methods. Without notification rules every method is notified at\n" +
    "once; with rules, each named method is notified its minutes after the page while nobody acknowledged.",
  children: [add, list, remove, test, ruleGroup],
  examples: [
    "foghorn contact add email alice@example.com --notify-after 0",
    'foghorn contact add sms "+4915112345678" --notify-after 5m',
    "foghorn contact list --user alice",
  ],
};
