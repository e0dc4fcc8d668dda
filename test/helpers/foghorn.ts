/**
 * Starts the real Foghorn server (the same wiring as `foghorn serve`) on a fresh test database and a
 * free port, with a known admin token and web password. Tests talk to it over HTTP like any client.
 */

import pino from "pino";
import type { ChannelRegistry, ChatAnnouncer } from "#app/ports.ts";
import { type Config, loadConfig } from "#config/load.ts";
import { type Clock, ManualClock } from "#domain/time.ts";
import type { StorageKind } from "#store/db.ts";
import { openTestDb, type TestDatabase } from "#store/testing.ts";
import { type RunningFoghorn, startFoghorn, systemClock } from "../../src/main.ts";

export const TEST_ADMIN_TOKEN = "fh_test-admin-token-0123456789abcdefghijklmnop";
export const TEST_ADMIN_PASSWORD = "test-admin-password-0123";

export interface TestFoghorn {
  url: string;
  token: string;
  database: TestDatabase;
  clock: Clock;
  /** What the first start printed on stdout (the setup link when started without a bootstrap password). */
  firstStartOutput: string;
  /** fetch against the server with the admin token and JSON headers. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Resolves once the alert processor has applied every stored event (the inbox is empty). */
  alertsIdle(): Promise<void>;
  /** One heartbeat and health-check sweep (with a ManualClock, advance it first). */
  sweep(): Promise<void>;
  /** Runs every paging job due now (escalation steps, deliveries, chat) until none is left. */
  pagingIdle(): Promise<number>;
  /** The public status page's snapshot cache (refresh() rebuilds it now; idle() waits for pending rebuilds). */
  statusPage: RunningFoghorn["statusPage"];
  statusWorkers: RunningFoghorn["statusWorkers"];
  close(): Promise<void>;
}

export interface TestFoghornOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /** The admin's web password set at first start; null for none (the first start prints a setup link). */
  bootstrapPassword?: string | null;
  /** The web UI folder to serve at `/` (default: the repository's web/dist). */
  webRoot?: string;
  /** Channels to page through (default: the configured ones: console and webhook). */
  channels?: ChannelRegistry;
  /** Chat announcer (default: none unless Slack is configured). */
  announcer?: ChatAnnouncer | null;
  /** security.outboundAllow (default: loopback, where tests run their receivers); [] for the product's default. */
  outboundAllow?: string[];
  /** The logger the server writes to (default: silent). */
  log?: pino.Logger;
  /** Changes the loaded configuration before start (settings without an environment variable). */
  configure?: (config: Config) => void;
}

export async function startTestFoghorn(
  kind: StorageKind,
  options: TestFoghornOptions = {},
): Promise<TestFoghorn> {
  const database = await openTestDb(kind);
  const clock = options.clock ?? systemClock;
  const password = options.bootstrapPassword === undefined ? TEST_ADMIN_PASSWORD : options.bootstrapPassword;
  const config = loadConfig({
    env: {
      PORT: "0",
      FOGHORN_LOG_LEVEL: "silent",
      FOGHORN_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN,
      ...(password === null ? {} : { FOGHORN_BOOTSTRAP_PASSWORD: password }),
      ...options.env,
    },
    cwd: process.cwd(),
    configPath: undefined,
  });
  // Tests send webhooks and health checks to local receivers: let the SSRF guard reach loopback.
  if (config.security.outboundAllow.length === 0)
    config.security.outboundAllow = options.outboundAllow ?? ["127.0.0.0/8", "::1"];
  // In-process test servers serve the status page from this process alone (the workers' own test
  // asks for them); "auto" would fork processes for every test server.
  if (config.server.statusWorkers === "auto") config.server.statusWorkers = 0;
  options.configure?.(config);
  let firstStartOutput = "";
  let running: RunningFoghorn;
  try {
    running = await startFoghorn(config, options.log ?? pino({ level: "silent" }), {
      clock,
      database,
      ...(options.webRoot ? { webRoot: options.webRoot } : {}),
      ...(options.channels ? { channels: options.channels } : {}),
      ...(options.announcer !== undefined ? { announcer: options.announcer } : {}),
      stdout: { write: (text: string) => (firstStartOutput += text) },
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    url: running.url,
    token: TEST_ADMIN_TOKEN,
    database,
    clock,
    firstStartOutput,
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
    alertsIdle() {
      return running.alerts.idle();
    },
    sweep() {
      return running.sweeps.runOnce();
    },
    async pagingIdle() {
      // The background loop may claim a due job while runUntilIdle looks (SKIP LOCKED hides it from us):
      // done only when our pass found nothing and no background cycle is running.
      const runner = running.paging.runner;
      let total = 0;
      for (;;) {
        await runner.idle();
        const ran = await runner.runUntilIdle();
        total += ran;
        if (ran === 0 && !runner.busy) return total;
      }
    },
    statusPage: running.statusPage,
    statusWorkers: running.statusWorkers,
    async close() {
      await running.stop();
    },
  };
}

export { ManualClock };
