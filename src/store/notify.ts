import { sql } from "drizzle-orm";
import pg from "pg";
import type { Db } from "./db.ts";

// PostgreSQL LISTEN/NOTIFY for the change feed shared by replicas (app/events.ts ChangeRelay): NOTIFY through
// the pool, LISTEN on a dedicated connection of its own (a pooled client would be handed to other queries).

/** The one channel every replica of an installation (one database) publishes its changes on. */
export const CHANGE_CHANNEL = "foghorn_changes";

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7999;

/**
 * Sends each payload, in order, to every session listening on `channel`; one statement for all (delivered
 * when the surrounding commit lands).
 */
export async function notify(db: Db, channel: string, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 0) return;
  await db.execute(
    sql`select pg_notify(${channel}, p) from jsonb_array_elements_text(${JSON.stringify(payloads)}::jsonb) as p`,
  );
}

/** The listening connection's application_name (pg_stat_activity): what operators and tests look for. */
export const LISTENER_APPLICATION_NAME = "foghorn change feed";

export interface ListenerOptions {
  url: string;
  channel: string;
  /** A notification's payload. */
  onMessage(payload: string): void;
  /** The connection came back after a loss: notifications sent meanwhile were missed. */
  onReconnect(): void;
  log: {
    warn(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
  };
  /** First wait before reconnecting; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A query on the idle connection every so often, so a silently dead one is noticed. */
  pingMs?: number;
}

/**
 * LISTEN on one dedicated connection, reconnected with backoff when it drops (the server restarted, the
 * backend was terminated, the network failed). After a reconnect, `onReconnect` says that what was sent
 * while it was down is lost.
 */
export class ChangeListener {
  #client: pg.Client | undefined;
  #stopped = false;
  #connected = false;
  #everConnected = false;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;
  /** Connections lost since start (tests, logs). */
  drops = 0;

  constructor(private readonly options: ListenerOptions) {}

  get connected(): boolean {
    return this.#connected;
  }

  /** Connects once (resolving either way); a failure is retried in the background. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client({
      connectionString: this.options.url,
      keepAlive: true,
      application_name: LISTENER_APPLICATION_NAME,
    });
    this.#client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.#lost(client, error);
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      if (message.channel === this.options.channel) this.options.onMessage(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`listen ${this.options.channel}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.#connected = true;
    this.#attempt = 0;
    const again = this.#everConnected;
    this.#everConnected = true;
    this.#ping = setInterval(() => {
      client.query("select 1").catch((error: Error) => onLost(error));
    }, this.options.pingMs ?? 15_000);
    this.#ping.unref();
    if (again) {
      this.options.log.info({ channel: this.options.channel }, "change feed listener reconnected");
      this.options.onReconnect();
    }
  }

  #lost(client: pg.Client, error?: Error): void {
    clearInterval(this.#ping);
    const wasConnected = this.#connected;
    this.#connected = false;
    client.end().catch(() => {});
    if (this.#stopped || this.#client !== client) return;
    if (wasConnected) this.drops++;
    const base = this.options.backoffMs ?? 250;
    const delay = Math.min(this.options.maxBackoffMs ?? 10_000, base * 2 ** this.#attempt++);
    this.options.log.warn(
      { err: error?.message ?? "connection closed", retryInMs: delay },
      "change feed listener lost its connection; reconnecting",
    );
    this.#retry = setTimeout(() => void this.#connect(), delay);
    this.#retry.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearInterval(this.#ping);
    this.#connected = false;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
