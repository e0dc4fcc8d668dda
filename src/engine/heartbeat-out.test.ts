// The outbound heartbeat (dead man's switch): sent to a local receiver while Foghorn is healthy, withheld
// (with a log line) when the database is closed or the engine stops cycling, and a failed call is logged.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { foghornHealth, OutboundHeartbeat } from "./heartbeat-out.ts";

interface Receiver {
  url: string;
  beats: { method: string; body: string }[];
  status: number;
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: "", beats: [], status: 200, server: createServer() };
  receiver.server.on("request", (req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      receiver.beats.push({ method: req.method ?? "", body });
      res.statusCode = receiver.status;
      res.end("OK");
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/ping/0f4e2c1a5d6b4c8e`;
  return receiver;
}

function captureLog() {
  const lines: string[] = [];
  const push = (obj: object | string, msg?: string) => lines.push(msg ?? String(obj));
  return { lines, log: { info: push, warn: push, error: push, debug() {} } };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

for (const backend of await testBackends()) {
  describe(`outbound heartbeat (${backend.kind})`, { skip: backend.skip, timeout: 20_000 }, () => {
    let receiver: Receiver;
    before(async () => {
      receiver = await startReceiver();
    });
    after(() => receiver?.server.close());

    function setup(database: TestDatabase, options: { method?: "GET" | "POST"; intervalMs?: number } = {}) {
      const clock = new ManualClock("2026-03-02T09:00:00Z");
      let lastCycleAt: Date | null = clock.now();
      const { lines, log } = captureLog();
      const heartbeat = new OutboundHeartbeat({
        url: receiver.url,
        method: options.method ?? "GET",
        intervalMs: options.intervalMs ?? 60_000,
        clock,
        log,
        version: "9.9.9-test",
        health: foghornHealth({
          ping: () => database.ping(),
          // One runner with work due: stuck once its last cycle is older than 30 s.
          engine: {
            stuckAfterSeconds: 30,
            runners: [
              {
                name: "jobs",
                cycleAgeSeconds: () => (clock.now().getTime() - (lastCycleAt?.getTime() ?? 0)) / 1000,
                backlog: async () => ({ due: 1, oldestSeconds: 31 }),
              },
            ],
          },
        }),
      });
      return {
        clock,
        lines,
        heartbeat,
        engineCycled: () => {
          lastCycleAt = clock.now();
        },
      };
    }

    test("sent while healthy; withheld with a log line once the database is closed", async () => {
      const database = await openTestDb(backend.kind);
      const { heartbeat, lines } = setup(database);
      receiver.beats.length = 0;
      assert.equal(await heartbeat.beatOnce(), "sent");
      assert.equal(await heartbeat.beatOnce(), "sent");
      assert.deepEqual(
        receiver.beats.map((b) => b.method),
        ["GET", "GET"],
      );
      await database.close();
      assert.equal(await heartbeat.beatOnce(), "unhealthy");
      assert.equal(await heartbeat.beatOnce(), "unhealthy");
      assert.equal(receiver.beats.length, 2, "no beat reached the receiver after the database closed");
      const withheld = lines.filter((l) => l.includes("heartbeat withheld"));
      assert.equal(withheld.length, 1, "one log line per change, not one per beat");
      assert.match(withheld[0] as string, /database unreachable/);
    });

    test("withheld when the engine stops cycling, resumed when it cycles again", async () => {
      const database = await openTestDb(backend.kind);
      try {
        const { heartbeat, lines, clock, engineCycled } = setup(database, { method: "POST" });
        receiver.beats.length = 0;
        assert.equal(await heartbeat.beatOnce(), "sent");
        const body = JSON.parse(receiver.beats[0]?.body ?? "{}") as Record<string, unknown>;
        assert.equal(body.status, "ok");
        assert.equal(body.version, "9.9.9-test");
        clock.advance(31_000);
        assert.equal(await heartbeat.beatOnce(), "unhealthy");
        assert.ok(
          lines.some((l) =>
            /job engine stuck: the jobs runner's last cycle was 31 s ago \(limit 30 s\)/.test(l),
          ),
          lines.join("\n"),
        );
        engineCycled();
        assert.equal(await heartbeat.beatOnce(), "sent");
        assert.ok(lines.some((l) => l.includes("heartbeat resumed")));
        assert.equal(receiver.beats.length, 2);
      } finally {
        await database.close();
      }
    });

    test("a receiver that fails is logged; the loop keeps beating until the database closes", async () => {
      const database = await openTestDb(backend.kind);
      const { heartbeat, lines } = setup(database, { intervalMs: 10 });
      receiver.beats.length = 0;
      receiver.status = 503;
      assert.equal(await heartbeat.beatOnce(), "failed");
      assert.ok(
        lines.some((l) => l.includes("outbound heartbeat failed: HTTP 503")),
        lines.join("\n"),
      );
      receiver.status = 200;
      receiver.beats.length = 0;
      heartbeat.start();
      await until(() => heartbeat.sent >= 3);
      await database.close();
      await until(() => heartbeat.skipped > 0);
      const sent = receiver.beats.length;
      await until(() => heartbeat.skipped >= 3);
      await heartbeat.stop();
      assert.equal(receiver.beats.length, sent, "no beat after the database closed");
    });
  });
}
