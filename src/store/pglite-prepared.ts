import {
  type PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
  type Transaction,
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
 * query() error does).
 */
export function preparePgliteStatements(client: PGlite): void {
  const statements: Statements = { prepared: new Map(), runs: new Map(), next: 0 };
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const plain = tx.query.bind(tx);
      tx.query = (<R>(text: string, params?: unknown[], options?: QueryOptions) =>
        runQuery<R>(client, statements, plain, text, params ?? [], options)) as Transaction["query"];
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
      return serialize ? serialize(param) : String(param);
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
