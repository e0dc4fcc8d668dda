import { setImmediate as nextTurn } from "node:timers/promises";
import {
  type PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
  type Transaction,
  types,
} from "@electric-sql/pglite";

// PGlite runs each parameterised statement as six protocol messages, each its own trip into WASM (parse,
// describe, bind, describe, execute, sync), and parses and plans it every time. The statements a
// transaction repeats (the alert processor's and the engine's, hundreds of times a second in a storm) are
// prepared once here as named statements, like node-postgres's named queries or pgx's statement cache, and
// then each runs as one trip: bind, describe, execute, sync. Measured on the alert ingest bench: a 30-key
// open-alert lookup 2.9 → 1.8 ms, repeats-only ingest +12-16 % (bench/README.md).
//
// Only statements inside transactions are prepared (where the hot ones run; a query outside one keeps
// PGlite's own path), from their third run on, and at most MAX_STATEMENTS per database. PostgreSQL keeps a
// named statement's plan valid across schema changes (it replans), and a prepared statement outlives a
// rolled-back transaction, so nothing needs undoing.

// drizzle hands PGlite a fresh `parsers` option with every query: the types it reads as text (timestamps,
// dates, intervals and their arrays), each parsed by `(value) => value`. PGlite merges that option into a
// copy of all its ~320 parsers for every result it reads — measured at 152 µs a call against 25 µs without
// the option, and 13 % of the main thread under the alert ingest bench. The client is therefore given
// those same parsers once (preparePgliteStatements) and the option is dropped from every query that asks
// for nothing else (withoutTextParsers). So on this client these types read as text without the option too.

/** The type OIDs drizzle reads as text: timestamp, timestamptz, interval, date and their arrays, numeric[]. */
const TEXT_TYPES = new Set<number>([
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1115, // timestamp[]
  1182, // date[]
  1185, // timestamptz[]
  1187, // interval[]
  1231, // numeric[]
]);

/**
 * `options` without its `parsers` when they only name TEXT_TYPES (drizzle's, all `(value) => value`), which
 * the client parses the same way after preparePgliteStatements. Any other parser keeps the option whole.
 */
export function withoutTextParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  const parsers = options?.parsers;
  if (!parsers) return options;
  for (const key of Object.keys(parsers)) if (!TEXT_TYPES.has(Number(key))) return options;
  const { parsers: _dropped, ...rest } = options;
  return rest;
}

/** Runs of one SQL text before it is prepared: one-off statements stay unnamed. */
const PREPARE_AFTER = 2;
const MAX_STATEMENTS = 500;
/** Distinct texts counted before the tally starts over (texts that vary, like multi-row inserts). */
const MAX_COUNTED = 5_000;

interface Prepared {
  name: string;
  /** Parameter type OIDs, as PGlite's own query() learns them, to serialise values the same way. */
  paramTypes: number[];
}

interface Statements {
  prepared: Map<string, Prepared>;
  /** SQL text → runs so far (unprepared). */
  runs: Map<string, number>;
  next: number;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Makes `client`'s transactions run their repeated statements as named prepared statements. Results,
 * parsing and errors are PGlite's own (the same parsers; an error carries `query` and `params` as its
 * query() error does). The client reads TEXT_TYPES as text from now on (call this after `waitReady`: PGlite
 * sets its array parsers then), and every query, in a transaction or not, drops drizzle's text parsers.
 */
export function preparePgliteStatements(client: PGlite): void {
  for (const oid of TEXT_TYPES) client.parsers[oid] = (value: string) => value;
  const statements: Statements = { prepared: new Map(), runs: new Map(), next: 0 };
  const query = client.query.bind(client);
  client.query = (<R>(text: string, params?: unknown[], options?: QueryOptions) =>
    query<R>(text, params, withoutTextParsers(options))) as PGlite["query"];
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const plain = tx.query.bind(tx);
      tx.query = (<R>(text: string, params?: unknown[], options?: QueryOptions) =>
        runQuery<R>(
          client,
          statements,
          plain,
          text,
          params ?? [],
          withoutTextParsers(options),
        )) as Transaction["query"];
      return callback(tx);
    })) as PGlite["transaction"];
}

async function runQuery<R>(
  client: PGlite,
  statements: Statements,
  plain: Transaction["query"],
  text: string,
  params: unknown[],
  options: QueryOptions | undefined,
): Promise<Results<R>> {
  // A turn of the event loop before each statement. PGlite runs a statement synchronously and chains the
  // next on a resolved promise, so a transaction never let the loop poll: a 40 ms group commit of new
  // alert groups held off every socket and IPC message until it ended. The status worker is handed each
  // new connection over IPC and Node sends nothing more to it until the handover is acknowledged, so 64
  // new connections were handed over one per transaction (~1.3 s; wrk saw p99 0.6–1.2 s at each run's
  // start, batches of 1–2 events). With the turn, the handovers, answers and new events get in between
  // statements; the transaction itself stays exclusive (PGlite queues every other query behind it).
  await nextTurn();
  let statement = statements.prepared.get(text);
  if (!statement) {
    const runs = statements.runs.get(text) ?? 0;
    if (runs < PREPARE_AFTER || statements.prepared.size >= MAX_STATEMENTS || options?.blob) {
      if (statements.runs.size >= MAX_COUNTED) statements.runs.clear();
      statements.runs.set(text, runs + 1);
      return plain<R>(text, params, options);
    }
    statement = await prepare(client, statements, text, options);
    // Not preparable (a syntax error, an aborted transaction): PGlite's own path words the error.
    if (!statement) return plain<R>(text, params, options);
  }
  const named = statement;
  return client._runExclusiveQuery(async () => {
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const type = named.paramTypes[i] ?? 0;
      const serialize = options?.serializers?.[type] ?? client.serializers[type];
      return binaryParam(type, serialize ? serialize(param) : String(param));
    });
    try {
      const { messages } = await client.execProtocol(
        concat([
          protocol.serialize.bind({ statement: named.name, values }),
          protocol.serialize.describe({ type: "P" }),
          protocol.serialize.execute({}),
          protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      );
      return parse.parseResults(messages, client.parsers, options)[0] as Results<R>;
    } catch (error) {
      if (error && typeof error === "object")
        Object.assign(error, { query: text, params, queryOptions: options });
      throw error;
    }
  });
}

/** Text params from this many characters on are sent in binary format (binaryParam). */
const BINARY_FROM_CHARS = 1024;

/**
 * A long jsonb or text parameter as its binary wire format: for jsonb a version byte (1) and the JSON text,
 * for text the text itself, both UTF-8 (PostgreSQL's jsonb_recv and textrecv). PGlite writes a string
 * parameter by counting its UTF-8 length one character at a time in JavaScript, then encoding it: for the
 * 50–130 KB JSON arrays the alert processor binds per batch that was ~9 % of the main thread while
 * opening new alert groups (V8 profile); Buffer does both natively. Other types, and short values, stay
 * text.
 */
function binaryParam(type: number, value: string): string | Uint8Array {
  if (value.length < BINARY_FROM_CHARS) return value;
  if (type === types.TEXT) return Buffer.from(value, "utf8");
  if (type !== types.JSONB) return value;
  const bytes = Buffer.allocUnsafe(1 + Buffer.byteLength(value, "utf8"));
  bytes[0] = 1;
  bytes.write(value, 1, "utf8");
  return bytes;
}

async function prepare(
  client: PGlite,
  statements: Statements,
  text: string,
  options: QueryOptions | undefined,
): Promise<Prepared | undefined> {
  const name = `foghorn_${statements.next++}`;
  try {
    const paramTypes = await client._runExclusiveQuery(async () => {
      const { messages } = await client.execProtocol(
        concat([
          protocol.serialize.parse({ name, text, types: options?.paramTypes ?? [] }),
          protocol.serialize.describe({ type: "S", name }),
          protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      );
      return parse.parseDescribeStatementResults(messages);
    });
    const prepared = { name, paramTypes };
    statements.prepared.set(text, prepared);
    statements.runs.delete(text);
    return prepared;
  } catch {
    // Counted again from zero: a transaction that had already failed says nothing about the statement.
    statements.runs.set(text, 0);
    return undefined;
  }
}
