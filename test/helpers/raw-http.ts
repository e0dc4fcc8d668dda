/**
 * HTTP/1.1 spoken byte by byte over one connection, for the tests of the raw server (http/status-wire.ts):
 * what a client sends on a keep-alive connection decides which server answers it, so these tests control
 * every byte and read every answer, which fetch() would hide.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits raw bytes into HTTP/1.1 responses (Content-Length framed); the rest is returned unread. */
export function parseResponses(bytes: Buffer): { answers: Answer[]; rest: Buffer } {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf("\r\n\r\n", at);
    if (end === -1) break;
    const [statusLine = "", ...lines] = bytes.toString("latin1", at, end).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    if (bytes.length < end + 4 + length) break;
    answers.push({
      status: Number(statusLine.split(" ")[1]),
      headers,
      body: bytes.toString("utf8", end + 4, end + 4 + length),
    });
    at = end + 4 + length;
  }
  return { answers, rest: bytes.subarray(at) };
}

/** One connection: send each chunk after the answers to the previous one arrived (`expect` per chunk). */
export async function converse(url: string, steps: { send: string; expect: number }[]): Promise<Answer[]> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let buffer: Buffer = Buffer.alloc(0);
  const all: Answer[] = [];
  let wanted = 0;
  let wake: () => void = () => {};
  socket.on("data", (chunk: Buffer) => {
    const { answers, rest } = parseResponses(Buffer.concat([buffer, chunk]));
    buffer = rest;
    all.push(...answers);
    if (all.length >= wanted) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  try {
    for (const step of steps) {
      wanted += step.expect;
      const arrived = new Promise<void>((resolve, reject) => {
        wake = resolve;
        socket.once("close", () =>
          reject(
            new Error(
              `connection closed after ${all.length} answers (${buffer.length} bytes unread: ${JSON.stringify(buffer.toString("latin1").split("\r\n\r\n")[0]?.slice(-200))})`,
            ),
          ),
        );
        setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(step.send)}`)), 10_000).unref();
      });
      socket.write(step.send);
      await arrived;
    }
  } finally {
    socket.destroy();
  }
  return all;
}

/** An answer without its Date header (and, for POSTs, the per-request id), to compare two answers. */
export const comparable = (a: Answer) => {
  const { date: _date, "x-request-id": _id, ...headers } = a.headers;
  return { status: a.status, headers, body: a.body };
};

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
