import { listServices as listServiceRows } from "#store/services.ts";
import type { AppContext } from "../context.ts";

/** Every known service, alphabetically; services are created by name when an incident first names them. */
export async function listServices(ctx: AppContext) {
  const rows = await listServiceRows(ctx.db);
  return {
    items: rows.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      created_at: s.createdAt.toISOString(),
    })),
  };
}
