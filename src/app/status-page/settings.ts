import { z } from "zod";
import { isValidTimeZone } from "#domain/alert/maintenance.ts";
import { SEVERITIES } from "#domain/incident/severity.ts";
import { pageUrl, statusBySeverity } from "#domain/status-page/status.ts";
import { COMPONENT_STATUSES } from "#domain/status-page/types.ts";
import { withTransaction } from "#store/db.ts";
import {
  getStatusSettings,
  lockStatusSettings,
  type StatusSettingsRow,
  updateStatusSettings,
} from "#store/status-page.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishStatusPageChange } from "../events.ts";
import { parseInput, text } from "../validation.ts";

// The status page's settings: one row, read and changed field by field.

/** An absolute http(s) URL. */
export function httpUrl(what: string, max = 2000) {
  return z
    .string({ error: `must be a string (${what})` })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((v) => isHttpUrl(v), { error: `must be an http:// or https:// URL, e.g. https://example.com` });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

// RFC 1123 labels: letters, digits and hyphens, not starting or ending with a hyphen; 253 characters.
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function hostProblem(host: string): string | undefined {
  const bare = "must be a bare host name such as status.example.com";
  if (host === "") return "must not be empty; give null to remove the custom domain";
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(host)) return `${bare}: leave out the scheme (https://)`;
  if (host.includes("/")) return `${bare}: leave out the path`;
  if (/:\d*$/.test(host)) return `${bare}: leave out the port`;
  if (!HOST_NAME.test(host))
    return "must be a host name such as status.example.com (letters, digits, hyphens, dots)";
  return undefined;
}

const customDomain = z
  .string({ error: "must be a host name such as status.example.com, or null for none" })
  .trim()
  .toLowerCase()
  .transform((v) => v.replace(/\.$/, ""))
  .superRefine((host, ctx) => {
    const problem = hostProblem(host);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const componentStatus = z.enum(COMPONENT_STATUSES, {
  error: `must be one of ${COMPONENT_STATUSES.join(", ")}`,
});

export const UpdateStatusSettingsInput = z
  .object({
    name: text(100, "the page's name").optional(),
    url: httpUrl("the page's public URL")
      .nullable()
      .optional()
      .describe("The page's public URL when it is served elsewhere (a CDN, an export); null: derived"),
    logo_url: httpUrl("the logo's URL").nullable().optional(),
    brand_color: z
      .string({ error: "must be a colour such as #2563eb" })
      .trim()
      .regex(/^#[0-9a-fA-F]{6}$/, { error: "must be a colour as #rrggbb, e.g. #2563eb" })
      .transform((v) => v.toLowerCase())
      .optional(),
    time_zone: z
      .string({ error: "must be an IANA time zone such as Europe/Berlin" })
      .trim()
      .refine(isValidTimeZone, { error: "must be an IANA time zone such as Europe/Berlin or UTC" })
      .optional(),
    custom_domain: customDomain
      .nullable()
      .optional()
      .describe("Host name on which / serves the page, e.g. status.example.com; null: none"),
    footer_links: z
      .array(z.object({ label: text(60, "the link's text"), url: httpUrl("the link's URL") }).strict(), {
        error: 'must be a list of {"label", "url"}',
      })
      .max(10, { error: "at most 10 footer links" })
      .optional(),
    show_responders: z.boolean({ error: "must be true or false" }).optional(),
    component_status_by_severity: z
      .partialRecord(
        z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }),
        componentStatus,
      )
      .optional()
      .describe(
        'The status an open incident gives its services\' components, by severity; keys given replace those, e.g. {"SEV3": "partial_outage"}',
      ),
  })
  .strict();
export type UpdateStatusSettingsInput = z.input<typeof UpdateStatusSettingsInput>;

export function settingsView(row: StatusSettingsRow, publicUrl: string | undefined) {
  return {
    name: row.name,
    url: row.url,
    effective_url: pageUrl(row, publicUrl),
    logo_url: row.logoUrl,
    brand_color: row.brandColor,
    time_zone: row.timeZone,
    custom_domain: row.customDomain,
    footer_links: row.footerLinks.map((l) => ({ label: l.label, url: l.url })),
    show_responders: row.showResponders,
    component_status_by_severity: statusBySeverity(row.componentStatusBySeverity),
    updated_at: row.updatedAt.toISOString(),
  };
}
export type StatusSettingsView = ReturnType<typeof settingsView>;

/** The page's settings. */
export async function getStatusPageSettings(ctx: AppContext) {
  return settingsView(await getStatusSettings(ctx.db), ctx.publicUrl);
}

const WRITABLE = Object.keys(UpdateStatusSettingsInput.shape).join(", ");

/** Changes any of the page's settings; every invalid field is named at once. */
export async function updateStatusPageSettings(ctx: AppContext, input: unknown) {
  const req = parseInput(UpdateStatusSettingsInput, input);
  if (Object.keys(req).length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `Nothing to change: give at least one of ${WRITABLE}, e.g. {"name": "Acme status"}`,
    );
  const now = ctx.clock.now();
  const row = await withTransaction(ctx.db, async (tx) => {
    const current = await lockStatusSettings(tx);
    const patch: Partial<StatusSettingsRow> = {};
    if (req.name !== undefined) patch.name = req.name;
    if (req.url !== undefined) patch.url = req.url;
    if (req.logo_url !== undefined) patch.logoUrl = req.logo_url;
    if (req.brand_color !== undefined) patch.brandColor = req.brand_color;
    if (req.time_zone !== undefined) patch.timeZone = req.time_zone;
    if (req.custom_domain !== undefined) patch.customDomain = req.custom_domain;
    if (req.footer_links !== undefined) patch.footerLinks = req.footer_links;
    if (req.show_responders !== undefined) patch.showResponders = req.show_responders;
    if (req.component_status_by_severity !== undefined)
      patch.componentStatusBySeverity = {
        ...statusBySeverity(current.componentStatusBySeverity),
        ...(req.component_status_by_severity as Record<string, string>),
      };
    return updateStatusSettings(tx, { ...patch, updatedAt: now });
  });
  publishStatusPageChange(ctx.events, now);
  ctx.log.info({ by: ctx.actor.name, fields: Object.keys(req) }, "status page settings changed");
  return settingsView(row, ctx.publicUrl);
}
