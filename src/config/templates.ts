import { z } from "zod";
import { BUILTIN_TEMPLATES, TEMPLATE_NAMES, type TemplateName } from "#domain/templates/builtin.ts";
import { isTimeZone, PLACEHOLDER_NAMES } from "#domain/templates/placeholders.ts";
import { unknownPlaceholders } from "#domain/templates/render.ts";

// The `templates` settings group: a display time zone and the installation's own texts for the
// communication templates (docs/communication.md). A text may use only the known placeholders.

const MAX_TEMPLATE_CHARS = 20_000;

function templateText(name: TemplateName) {
  const error = "expected the template's text as a string";
  return z
    .string({ error })
    .min(1, { error: "expected a non-empty text; leave the key out to use the built-in text" })
    .max(MAX_TEMPLATE_CHARS, { error: `expected at most ${MAX_TEMPLATE_CHARS} characters` })
    .superRefine((text, ctx) => {
      const unknown = unknownPlaceholders(text, PLACEHOLDER_NAMES);
      if (unknown.length === 0) return;
      ctx.addIssue({
        code: "custom",
        message:
          `unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `{{${u}}}`).join(", ")}; ` +
          `known placeholders: ${PLACEHOLDER_NAMES.join(", ")}`,
      });
    })
    .optional()
    .meta({
      description: `Your text for the ${name} template (${BUILTIN_TEMPLATES[name].title}); unset: the built-in text.`,
      // The built-in text's first line: an example that fits on one line of the example config.
      examples: [BUILTIN_TEMPLATES[name].text.split("\n")[0] ?? ""],
    });
}

const overrides = Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, templateText(name)])) as Record<
  TemplateName,
  ReturnType<typeof templateText>
>;

export const templatesSchema = z
  .strictObject(
    {
      timeZone: z
        .string({ error: "expected an IANA time zone such as UTC or Europe/Berlin" })
        .refine(isTimeZone, { error: "expected an IANA time zone such as UTC or Europe/Berlin" })
        .default("UTC")
        .describe("Time zone of the times in communication templates (IANA name, e.g. Europe/Berlin)."),
      ...overrides,
    },
    { error: "expected a mapping of settings" },
  )
  .prefault({})
  .describe(
    "Communication templates (docs/communication.md): the time zone they show times in, and your own texts with {{placeholders}}.",
  );

/** The template settings as the app receives them: the time zone and the texts given. */
export function templateSettings(config: z.infer<typeof templatesSchema>) {
  const { timeZone, ...texts } = config;
  const given = Object.fromEntries(Object.entries(texts).filter(([, text]) => text !== undefined));
  return { timeZone, overrides: given as Partial<Record<TemplateName, string>> };
}
