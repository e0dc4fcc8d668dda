/**
 * Starts the real Foghorn server (the same wiring as `foghorn serve`) on a fresh test database and a
 * free port, with a known admin token. Tests talk to it over HTTP like any client.
 */

import pino from "pino";
import { loadConfig } from "#config/load.ts";
import { type Clock, ManualClock } from "#domain/time.ts";
import type { StorageKind } from "#store/db.ts";
import { openTestDb, type TestDatabase } from "#store/testing.ts";
import { type RunningFoghorn, startFoghorn, systemClock } from "../../src/main.ts";

export const TEST_ADMIN_TOKEN = "fh_test-admin-token-0123456789abcdefghijklmnop";

export interface TestFoghorn {
  url: string;
  token: string;
  database: TestDatabase;
  clock: Clock;
  /** fetch against the server with the admin token and JSON headers. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestFoghorn(
  kind: StorageKind,
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestFoghorn> {
  const database = await openTestDb(kind);
  const clock = options.clock ?? systemClock;
  const config = loadConfig({
    env: {
      PORT: "0",
      FOGHORN_LOG_LEVEL: "silent",
      FOGHORN_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN,
      ...options.env,
    },
    cwd: process.cwd(),
    configPath: undefined,
  });
  let running: RunningFoghorn;
  try {
    running = await startFoghorn(config, pino({ level: "silent" }), { clock, database });
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    url: running.url,
    token: TEST_ADMIN_TOKEN,
    database,
    clock,
    api(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TEST_ADMIN_TOKEN}`;
      if (init.body !== undefined) headers["content-type"] ??= "application/json";
      return fetch(`${running.url}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        ...(init.body !== undefined
          ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }
          : {}),
      });
    },
    async close() {
      await running.stop();
    },
  };
}

export { ManualClock };
