import type { FastifyInstance, FastifyRequest } from "fastify";
import { draftPostmortem } from "#app/ai/draft-postmortem.ts";
import { AppError } from "#app/errors.ts";
import type { AiDrafting } from "#app/ports.ts";
import {
  exportPostmortem,
  getPostmortem,
  ListPostmortemsQuery,
  listPostmortems,
} from "#app/postmortems/get.ts";
import { applyAiDraft, SavePostmortemInput, savePostmortem } from "#app/postmortems/save.ts";
import { startPostmortem } from "#app/postmortems/start.ts";
import { ChangePostmortemStatusInput, changePostmortemStatus } from "#app/postmortems/status.ts";
import type { ApiRegistry } from "../openapi.ts";

const id = (req: FastifyRequest) => (req.params as { id: string }).id;

/** An incident's postmortem (SPEC §3): start, read, save, review statuses, export, and the optional AI draft. */
export function registerPostmortemRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  ai: AiDrafting | undefined,
): void {
  const tag = "Postmortems";
  const aiAvailable = ai !== undefined;
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/postmortems",
      access: "read",
      tag,
      summary: "List postmortems with their due dates",
      description:
        "Newest incident first; resolved incidents whose severity requires a postmortem and that have none are listed as not_started. Filter with status and overdue=true.",
      query: ListPostmortemsQuery,
      success: 200,
      responseDescription: "items: incident, status, due_at, overdue",
    },
    (req, ctx) => listPostmortems(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/postmortem",
      access: "read",
      tag,
      summary: "Get an incident's postmortem: sections, rendered markdown, status, due date, action items",
      description: "404 when the incident has none yet (the problem says how to start one).",
      success: 200,
      responseDescription: "The postmortem, with `version` to send back when saving and `ai_available`",
    },
    (req, ctx) => getPostmortem(ctx, id(req), { aiAvailable }),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/postmortem",
      access: "respond",
      tag,
      summary: "Start the postmortem: a draft prefilled from the incident's description and write-up",
      success: 201,
      responseDescription: "The new postmortem",
    },
    async (req, ctx, reply) => {
      const view = await startPostmortem(ctx, id(req), { aiAvailable });
      reply.header("location", `/api/v1/incidents/${view.incident_id}/postmortem`);
      return view;
    },
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/incidents/:id/postmortem",
      access: "respond",
      tag,
      summary: "Save sections and reviewers",
      description:
        "Send the `version` you edited; a stale one answers 409 with current_version. Only the sections given change.",
      body: SavePostmortemInput,
      success: 200,
      responseDescription: "The postmortem after the save",
    },
    async (req, ctx) => ({ ...(await savePostmortem(ctx, id(req), req.body)), ai_available: aiAvailable }),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/postmortem/status",
      access: "respond",
      tag,
      summary: "Submit for review, publish, or move back to draft",
      description:
        "draft → in_review → published; in_review → draft; published → draft. Publishing moves the incident to postmortem (it must be resolved).",
      body: ChangePostmortemStatusInput,
      success: 200,
      responseDescription: "The postmortem after the change",
    },
    async (req, ctx) => ({
      ...(await changePostmortemStatus(ctx, id(req), req.body)),
      ai_available: aiAvailable,
    }),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/postmortem.md",
      access: "read",
      tag,
      summary: "Export the postmortem as markdown (postmortem-YYYY-MM-DD.md)",
      success: 200,
      produces: "text/markdown",
      responseDescription: "The rendered postmortem, as an attachment",
    },
    async (req, ctx, reply) => {
      const file = await exportPostmortem(ctx, id(req));
      reply.type("text/markdown; charset=utf-8");
      reply.header("content-disposition", `attachment; filename="${file.file_name}"`);
      return file.markdown;
    },
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/postmortem/ai-draft",
      access: "respond",
      tag,
      summary: "Draft the summary, impact and five whys with AI (when configured)",
      description:
        "Sends the incident's record and timeline (redacted) to the configured OpenAI-compatible endpoint; the drafted sections are marked until edited. 409 when AI drafting is not configured.",
      success: 200,
      responseDescription: "The postmortem with the drafted sections",
    },
    async (req, ctx) => {
      if (!ai) {
        throw new AppError(
          "CONFLICT",
          "AI drafting is not configured: set ai.baseUrl and ai.model in foghorn.config.yaml (see docs/ai.md)",
        );
      }
      // Fail before the (slow) model call when there is no postmortem to fill, or it is read-only.
      await getPostmortem(ctx, id(req));
      const draft = await draftPostmortem(ctx, ai, id(req));
      return { ...(await applyAiDraft(ctx, id(req), draft)), ai_available: true };
    },
  );
}
