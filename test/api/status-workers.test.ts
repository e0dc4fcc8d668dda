// The status page served from several processes (server.statusWorkers): connections that open with a
// status page request are shared between this process and the worker processes, every answer is the same
// bytes, a change reaches every worker, a connection moves to the full server (node:http and Fastify) for
// any other request and keeps working, a worker that dies is replaced, and none outlives the server.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type Answer, comparable, converse, until } from "../helpers/raw-http.ts";

const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;

/** `count` requests, each on a fresh connection. */
const fresh = (url: string, path: string, count: number) =>
  Promise.all(
    Array.from({ length: count }, () => converse(url, [{ send: get(path), expect: 1 }]).then((a) => a[0])),
  ) as Promise<Answer[]>;

describe("status page from several processes (server.statusWorkers: 2)", () => {
  let foghorn: TestFoghorn;
  let closed = false;
  before(async () => {
    foghorn = await startTestFoghorn("pglite", {
      configure: (config) => {
        config.server.statusWorkers = 2;
      },
    });
    await foghorn.statusPage.idle();
    await until(() => foghorn.statusWorkers.ready === 2, "both workers are ready");
  });
  after(async () => {
    if (!closed) await foghorn?.close();
  });

  test("connections are shared in turn with the workers, and every answer is the same bytes", async () => {
    const before = foghorn.statusWorkers.answered;
    const answers = await fresh(foghorn.url, "/status", 12);
    const first = comparable(answers[0] as Answer);
    assert.equal(first.status, 200);
    assert.match(first.body, /<!doctype html>/i);
    assert.equal(first.headers["content-length"], String(Buffer.byteLength(first.body)));
    for (const a of answers) assert.deepEqual(comparable(a), first);
    // This process and two workers take new status connections in turn: 8 of the 12 went to workers
    // (they report their answers every 250 ms).
    await until(() => foghorn.statusWorkers.answered - before >= 8, "the workers report 8 answers");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(foghorn.statusWorkers.answered - before, 8);
    // The same bytes as the full server gives on a connection it owns (a status request after another).
    const [, viaFastify] = await converse(foghorn.url, [
      { send: get("/readyz"), expect: 1 },
      { send: get("/status"), expect: 1 },
    ]);
    assert.deepEqual(comparable(viaFastify as Answer), first);
  });

  test("a change reaches every worker at once", async () => {
    const name = `Payments ${Date.now()}`;
    const created = await foghorn.api("/api/v1/status-page/components", { body: { name } });
    assert.equal(created.status, 201, await created.clone().text());
    await foghorn.statusPage.idle();
    const changedAt = Date.now();
    await until(
      async () =>
        (await fresh(foghorn.url, "/api/v2/components.json", 9)).every((a) => a.body.includes(name)),
      "every process serves the new component",
      5_000,
    );
    // The snapshot goes to the workers over IPC as it is installed: milliseconds (2 s allows for a busy CI).
    assert.ok(Date.now() - changedAt < 2_000, `all processes served it after ${Date.now() - changedAt} ms`);
  });

  test("a connection goes to the full server for any other request, and keeps working", async () => {
    for (let i = 0; i < 6; i++) {
      const answers = await converse(foghorn.url, [
        { send: get("/status"), expect: 1 },
        { send: get("/readyz"), expect: 1 },
        { send: get("/api/v2/status.json"), expect: 1 },
        {
          // Pipelined: a status request, a POST with a body (refused: no token), a status request.
          send:
            get("/history.atom") +
            "POST /api/v1/incidents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" +
            get("/api/v2/summary.json"),
          expect: 3,
        },
      ]);
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 200, 401, 200],
        `connection ${i}`,
      );
      assert.match(answers[1]?.body ?? "", /"status"/);
      assert.match(answers[3]?.headers["content-type"] ?? "", /atom/);
      assert.match(answers[4]?.headers["content-type"] ?? "", /problem\+json/);
      assert.match(answers[5]?.body ?? "", /"components"/);
    }
  });

  test("requests the raw server does not take are answered by node:http as always", async () => {
    const [http10] = await converse(foghorn.url, [
      { send: "GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n", expect: 1 },
    ]);
    assert.equal(http10?.status, 200);
    const [noHost] = await converse(foghorn.url, [{ send: "GET /status HTTP/1.1\r\n\r\n", expect: 1 }]);
    assert.equal(noHost?.status, 400);
    // HEAD: the headers of the GET (Content-Length included) and no body; Connection: close is honoured.
    const { hostname, port } = new URL(foghorn.url);
    const socket = connect(Number(port), hostname, () =>
      socket.write("HEAD /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    );
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => socket.once("close", resolve));
    const text = Buffer.concat(chunks).toString("latin1");
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\ncontent-length: [1-9]\d+\r\n/);
    assert.match(text, /\r\nconnection: close\r\n/);
    assert.ok(text.endsWith("\r\n\r\n"), "nothing after the head");
  });

  test("a worker that dies is started again; meanwhile the others and this process serve", async () => {
    const [victim] = foghorn.statusWorkers.pids;
    assert.ok(victim);
    process.kill(victim, "SIGKILL");
    await until(() => foghorn.statusWorkers.ready === 1, "the dead worker is out of turn");
    const answers = await fresh(foghorn.url, "/status", 6);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200, 200],
    );
    await until(() => foghorn.statusWorkers.ready === 2, "a new worker took its place");
    assert.ok(!foghorn.statusWorkers.pids.includes(victim));
  });

  test("closing the server ends idle status connections at once, and no worker outlives it", async () => {
    // Three idle keep-alive connections, one per process in turn (this one and the two workers).
    const { hostname, port } = new URL(foghorn.url);
    const idle = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<{ closed: Promise<void> }>((resolve) => {
            const socket = connect(Number(port), hostname, () => socket.write(get("/status")));
            const closed = new Promise<void>((r) => socket.once("close", () => r()));
            socket.once("data", () => resolve({ closed }));
            socket.on("error", () => {});
          }),
      ),
    );
    const pids = foghorn.statusWorkers.pids;
    closed = true;
    const started = Date.now();
    await foghorn.close();
    await Promise.all(idle.map((c) => c.closed));
    // Well under the 5 s keep-alive timeout that would otherwise close them.
    assert.ok(Date.now() - started < 3_000, `closed after ${Date.now() - started} ms`);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !pids.some(alive), "every worker exited", 6_000);
  });
});

test("a worker asked to stop before it is listening exits cleanly", async () => {
  // A server stopped right after it started: the "stop" reaches the worker before its message listener
  // exists. Node 20 then emits it from a loop that throws if the channel closed meanwhile, and the
  // worker died with a TypeError instead of exiting 0.
  const child = fork(new URL("../../src/http/status-worker.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.send({ type: "stop" });
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /TypeError/);
});
