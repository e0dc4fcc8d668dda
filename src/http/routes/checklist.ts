import type { FastifyInstance, FastifyRequest } from "fastify";
import { getChecklist, SetTaskInput, setChecklistTask } from "#app/incidents/checklist.ts";
import type { ApiRegistry } from "../openapi.ts";

type Params = { id: string; key: string };
const params = (req: FastifyRequest) => req.params as Params;

/** The incident's triage checklist: read it, tick and untick its tasks. */
export function registerChecklistRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Checklist";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/checklist",
      access: "read",
      tag,
      summary: "The incident's checklist: tasks with due time, who ticked them, and which are overdue",
      success: 200,
      responseDescription: "The checklist",
    },
    (req, ctx) => getChecklist(ctx, params(req).id),
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/incidents/:id/checklist/:key",
      access: "respond",
      tag,
      summary: "Tick (done: true) or untick (done: false) a checklist task",
      description:
        "Adds task.completed or task.reopened to the timeline; repeating the same state changes nothing " +
        "(changed: false). 404 naming the task keys for an unknown key.",
      body: SetTaskInput,
      success: 200,
      responseDescription: "The checklist after the change",
    },
    (req, ctx) => setChecklistTask(ctx, params(req).id, params(req).key, req.body),
  );
}
