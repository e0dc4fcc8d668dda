// `foghorn serve` as a user runs it: a real process on a fresh data folder.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/foghorn.mjs");

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Started & { ready: Promise<string> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const state = { url: "" };
  const ready = new Promise<string>((resolveReady, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Foghorn listening on (http:\/\/[^"\s]+)/.exec(out);
      if (m?.[1] && !state.url) {
        state.url = m[1];
        resolveReady(m[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    child,
    get url() {
      return state.url;
    },
    output: () => out,
    exited,
    ready,
  };
}

describe("foghorn serve", () => {
  const dir = mkdtempSync(join(tmpdir(), "foghorn-serve-"));
  const env = { PORT: "0", FOGHORN_DATA_DIR: join(dir, "data"), FOGHORN_LOG_LEVEL: "info" };
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("first start creates the data folder, prints a one-time admin token, and serves the API", async () => {
    const first = run(["serve"], env);
    const url = await first.ready;
    try {
      const token = /export FOGHORN_TOKEN=(fh_[\w-]+)/.exec(first.output())?.[1];
      assert.ok(token, `the first start prints the admin token:\n${first.output()}`);
      // The token is on stdout for the human, never inside a JSON log line.
      for (const line of first
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))) {
        assert.ok(!line.includes(token), `a log line contains the token: ${line}`);
      }
      assert.ok(existsSync(join(dir, "data", "pglite", "PG_VERSION")));
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      const created = await fetch(`${url}/api/v1/incidents`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "Checkout down", severity: "SEV1", affected_services: ["checkout"] }),
      });
      assert.equal(created.status, 201);

      // A second process on the same folder is refused with a clear one-line reason.
      const second = run(["serve"], env);
      const code = await second.exited;
      assert.notEqual(code, 0);
      assert.match(second.output(), /in use by another Foghorn process \(pid \d+\)/);

      first.child.kill("SIGTERM");
      assert.equal(await first.exited, 0, `SIGTERM stops cleanly:\n${first.output()}`);
      assert.ok(!existsSync(join(dir, "data", "foghorn.lock")), "the lock is released on exit");

      // Restart: the data is still there and no new token is printed.
      const again = run(["serve"], env);
      const url2 = await again.ready;
      try {
        assert.doesNotMatch(again.output(), /FOGHORN_TOKEN=/);
        const list = await fetch(`${url2}/api/v1/incidents`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await list.json()) as { items: { id: string; title: string }[] };
        assert.deepEqual(
          body.items.map((i) => [i.id, i.title]),
          [["INC-1", "Checkout down"]],
        );
      } finally {
        again.child.kill("SIGTERM");
        await again.exited;
      }
    } finally {
      first.child.kill("SIGKILL");
    }
  });

  test("FOGHORN_BOOTSTRAP_TOKEN becomes the admin's first token", async () => {
    const token = "fh_bootstrap-token-for-automated-setups-0001";
    const started = run(["serve"], {
      ...env,
      FOGHORN_DATA_DIR: join(dir, "boot"),
      FOGHORN_BOOTSTRAP_TOKEN: token,
    });
    const url = await started.ready;
    try {
      assert.doesNotMatch(started.output(), /export FOGHORN_TOKEN=/);
      const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await me.json(), { username: "admin", role: "admin" });
    } finally {
      started.child.kill("SIGTERM");
      await started.exited;
    }
  });

  test("a bad setting stops the start with the key and its source named", async () => {
    const bad = run(["serve"], { ...env, PORT: "eighty" });
    assert.equal(await bad.exited, 78);
    assert.match(bad.output(), /server\.port \(env PORT\): expected an integer between 0 and 65535/);
  });
});
