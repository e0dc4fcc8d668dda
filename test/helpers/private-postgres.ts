/**
 * A throwaway PostgreSQL cluster for fault tests: Debian's initdb/pg_ctl run as the `postgres` OS user on a
 * free port with trust auth, its data folder under a temporary directory. A test can stop it (fast shutdown:
 * every connection dropped) and start it again without touching the machine's shared server. Also a TCP
 * proxy that adds latency per chunk, to put in front of any PostgreSQL.
 */
import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<major>/bin), if any. */
export function postgresBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(base, majors[0], "bin") : undefined;
}

/** Why a private cluster cannot be created here, or undefined when it can (for `skip`). */
export function privatePostgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin";
  if (process.platform !== "linux") return "private PostgreSQL clusters need Linux";
  if (userInfo().uid === 0) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      return "running as root without a `postgres` OS user to run the cluster as";
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  /** CREATE DATABASE through psql-free SQL (a short pg connection). */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown: every connection is dropped; returns once the server has stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; returns once it accepts connections. */
  start(): Promise<void>;
  readonly running: boolean;
  /** Stops the cluster (immediate) and removes its folder. */
  destroy(): Promise<void>;
}

/** Creates and starts a new cluster (about 1 s). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin");
  const dir = mkdtempSync(join(tmpdir(), "foghorn-pg-"));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  // Asynchronous, so that a test's own servers (a webhook receiver, senders) keep running meanwhile.
  const run = async (tool: string, args: string[]) => {
    const file = join(bin, tool);
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
    return (await execFileAsync(cmd, argv as string[], { cwd: dir })).stdout;
  };
  await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=on",
    "-c max_connections=100",
  ].join(" ");
  let running = false;
  const pg = {
    get port() {
      return port;
    },
    get running() {
      return running;
    },
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name: string) {
      const { default: pgClient } = await import("pg");
      const client = new pgClient.Client({ connectionString: pg.url() });
      await client.connect();
      try {
        await client.query(`create database "${name.replaceAll('"', "")}"`);
      } finally {
        await client.end();
      }
      return pg.url(name);
    },
    async start() {
      await run("pg_ctl", [
        "-D",
        data,
        "-o",
        options,
        "-l",
        join(dir, "server.log"),
        "-w",
        "-t",
        "30",
        "start",
      ]);
      running = true;
    },
    async stop() {
      await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
      running = false;
    },
    async destroy() {
      try {
        if (running) await run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
      } catch {
        // already stopped
      }
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await pg.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return pg;
}

/**
 * A TCP proxy in front of `target` that delays every chunk, in each direction, by `baseMs ± jitterMs`
 * (uniform, clamped at 0), keeping the chunks of one direction in order.
 */
export class LatencyProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  chunks = 0;
  constructor(
    private readonly target: { host: string; port: number },
    private readonly baseMs: number,
    private readonly jitterMs: number,
  ) {}

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      this.#pipe(client, upstream);
      this.#pipe(upstream, client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  #pipe(from: Socket, to: Socket): void {
    // Each chunk is released no earlier than its own delay and never before the chunk ahead of it. One
    // queue and one timer per direction: a timer per chunk can fire out of order (timers due in the same
    // millisecond run in no set order, and each counts from the loop's cached clock), and a PostgreSQL
    // connection whose bytes are reordered waits for the rest of a message that never comes.
    const queue: { at: number; chunk: Buffer }[] = [];
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (head: { at: number }) => {
      timer ??= setTimeout(drain, Math.max(0, head.at - Date.now()));
    };
    const drain = () => {
      timer = undefined;
      for (let head = queue[0]; head && head.at <= Date.now(); head = queue[0]) {
        queue.shift();
        if (!to.destroyed) to.write(head.chunk);
      }
      const next = queue[0];
      if (next) schedule(next);
      else if (ended) to.end();
    };
    from.on("data", (chunk: Buffer) => {
      this.chunks++;
      const delay = Math.max(0, this.baseMs + (Math.random() * 2 - 1) * this.jitterMs);
      const entry = { at: Math.max(Date.now() + delay, queue.at(-1)?.at ?? 0), chunk };
      queue.push(entry);
      schedule(queue[0] ?? entry);
    });
    from.on("end", () => {
      ended = true;
      if (queue.length === 0 && timer === undefined) to.end();
    });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
