import { randomUUID } from "node:crypto";
import { z } from "zod";
import { maskAddress } from "#domain/mask.ts";
import {
  deleteContactMethod,
  deleteNotificationRule,
  findContactMethodById,
  findNotificationRuleById,
  findUsersById,
  insertContactMethod,
  insertNotificationRule,
  listContactMethods,
  listNotificationRules,
} from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { CONTACT_KINDS, type ContactKind } from "../ports.ts";
import { parseInput } from "../validation.ts";
import { loadUser, requireSelfOrAdmin } from "./internal.ts";
import { contactMethodView, notificationRuleView } from "./users.ts";

// Contact methods (how a person is reached) and notification rules (which method, how long after a page).

/** Each kind's address: how it is checked and normalised, and what to write instead. */
const ADDRESS_RULES: Record<
  ContactKind,
  { normalize(a: string): string; ok(a: string): boolean; hint: string }
> = {
  email: {
    normalize: (a) => a.trim(),
    ok: (a) => a.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a),
    hint: "an email address such as alice@example.com",
  },
  slack: {
    normalize: (a) => a.trim().toUpperCase(),
    ok: (a) => /^[UW][A-Z0-9]{4,20}$/.test(a),
    hint: "a Slack member id such as U012AB3CD (Slack: profile → ⋮ → Copy member ID)",
  },
  sms: {
    normalize: (a) => a.replace(/[\s().-]/g, ""),
    ok: (a) => /^\+[1-9]\d{6,14}$/.test(a),
    hint: "an E.164 phone number such as +4915112345678 (a + and the country code)",
  },
  voice: {
    normalize: (a) => a.replace(/[\s().-]/g, ""),
    ok: (a) => /^\+[1-9]\d{6,14}$/.test(a),
    hint: "an E.164 phone number such as +4915112345678 (a + and the country code)",
  },
  webhook: {
    normalize: (a) => a.trim(),
    ok: (a) => a.length <= 2000 && isHttpUrl(a),
    hint: "an http(s) URL such as https://hooks.example.com/foghorn",
  },
  console: {
    normalize: (a) => a.trim(),
    ok: (a) => a.length >= 1 && a.length <= 100,
    hint: "any label, 1–100 characters (pages are written to the server log)",
  },
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export const CreateContactMethodInput = z
  .object({
    kind: z.enum(CONTACT_KINDS, { error: `must be one of ${CONTACT_KINDS.join(", ")}` }),
    address: z
      .string({ error: "is required" })
      .min(1, { error: "must not be empty" })
      .max(2000)
      .describe(
        "email address, Slack member id (U…), E.164 phone number (sms, voice), http(s) URL (webhook), label (console)",
      ),
    label: z.string().trim().max(100).optional().describe('What the person calls it, e.g. "work phone"'),
  })
  .strict();

export const CreateNotificationRuleInput = z
  .object({
    contact_method_id: z.string({ error: "is required (the id of one of the person's contact methods)" }),
    delay_minutes: z
      .number({ error: "must be a whole number of minutes, 0–1440" })
      .int({ error: "must be a whole number of minutes, 0–1440" })
      .min(0, { error: "must be 0–1440 minutes" })
      .max(1440, { error: "must be 0–1440 minutes" })
      .describe("Minutes after the page, while unacknowledged; 0 = at once"),
  })
  .strict();

/** Adds a contact method to a person (themselves or an admin); the address is checked per kind. */
export async function addContactMethod(ctx: AppContext, username: string, input: unknown) {
  // Who may change this person's contact methods is checked before the body: a refusal says nothing more.
  requireSelfOrAdmin(ctx, await loadUser(ctx.db, username), "change this user's contact methods");
  const req = parseInput(CreateContactMethodInput, input);
  const rule = ADDRESS_RULES[req.kind];
  const address = rule.normalize(req.address);
  if (!rule.ok(address))
    throw new AppError(
      "INVALID_INPUT",
      `address ${req.kind === "webhook" ? "" : `"${req.address}" `}is not valid for ${req.kind}: expected ${rule.hint}`,
      [{ field: "address", message: `expected ${rule.hint}` }],
    );
  const user = await loadUser(ctx.db, username);
  requireSelfOrAdmin(ctx, user, "change this user's contact methods");
  const row = await insertContactMethod(ctx.db, {
    id: randomUUID(),
    userId: user.id,
    kind: req.kind,
    address,
    label: req.label ?? "",
    createdAt: ctx.clock.now(),
  });
  if (!row)
    throw new AppError(
      "CONFLICT",
      `${user.username} already has ${req.kind} ${maskAddress(req.kind, address)}`,
    );
  ctx.log.info({ user: user.username, kind: req.kind, by: ctx.actor.name }, "contact method added");
  // The one answer that shows a webhook URL whole (views mask it from here on).
  return { ...contactMethodView(row), address: row.address, user: user.username };
}

/** A person's contact methods, oldest first. */
export async function listPersonContactMethods(ctx: AppContext, username: string) {
  const user = await loadUser(ctx.db, username);
  return { items: (await listContactMethods(ctx.db, [user.id])).map(contactMethodView) };
}

/** Removes a contact method and its notification rules (its owner or an admin). */
export async function removeContactMethod(ctx: AppContext, id: string): Promise<void> {
  const method = await findContactMethodById(ctx.db, id);
  if (!method) throw new AppError("NOT_FOUND", `Contact method ${id} does not exist`);
  const [user] = await findUsersById(ctx.db, [method.userId]);
  if (user) requireSelfOrAdmin(ctx, user, "change this user's contact methods");
  await deleteContactMethod(ctx.db, method.id);
}

/** Adds "notify this contact method N minutes after a page" to a person's rules. */
export async function addNotificationRule(ctx: AppContext, username: string, input: unknown) {
  const user = await loadUser(ctx.db, username);
  requireSelfOrAdmin(ctx, user, "change this user's notification rules");
  const req = parseInput(CreateNotificationRuleInput, input);
  const methods = await listContactMethods(ctx.db, [user.id]);
  const method = methods.find((m) => m.id === req.contact_method_id);
  if (!method)
    throw new AppError(
      "INVALID_INPUT",
      `contact_method_id ${req.contact_method_id} is not one of ${user.username}'s contact methods; use an id ` +
        `from GET /api/v1/users/${user.username}/contact-methods (foghorn contact list)`,
      [{ field: "contact_method_id", message: `is not one of ${user.username}'s contact methods` }],
    );
  const row = await insertNotificationRule(ctx.db, {
    id: randomUUID(),
    userId: user.id,
    contactMethodId: method.id,
    delayMinutes: req.delay_minutes,
    createdAt: ctx.clock.now(),
  });
  if (!row)
    throw new AppError(
      "CONFLICT",
      `${method.kind} ${maskAddress(method.kind, method.address)} already has a rule at ${req.delay_minutes} minutes`,
    );
  return { ...notificationRuleView(row, methods), user: user.username };
}

/** A person's notification rules, soonest first. */
export async function listPersonNotificationRules(ctx: AppContext, username: string) {
  const user = await loadUser(ctx.db, username);
  const methods = await listContactMethods(ctx.db, [user.id]);
  const rules = await listNotificationRules(ctx.db, [user.id]);
  return { items: rules.map((r) => notificationRuleView(r, methods)) };
}

/** Removes a notification rule (its owner or an admin). */
export async function removeNotificationRule(ctx: AppContext, id: string): Promise<void> {
  const rule = await findNotificationRuleById(ctx.db, id);
  if (!rule) throw new AppError("NOT_FOUND", `Notification rule ${id} does not exist`);
  const [user] = await findUsersById(ctx.db, [rule.userId]);
  if (user) requireSelfOrAdmin(ctx, user, "change this user's notification rules");
  await deleteNotificationRule(ctx.db, rule.id);
}
