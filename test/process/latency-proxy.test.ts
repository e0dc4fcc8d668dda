// The fault tests' latency proxy must delay bytes, never reorder them: a PostgreSQL connection whose
// messages arrive shuffled waits forever for the rest of one (a replica stuck holding the processor lock).
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { test } from "node:test";
import { LatencyProxy } from "../helpers/private-postgres.ts";

test("the latency proxy keeps each direction's bytes in order while the event loop is busy", async () => {
  const echo = createServer((socket) => socket.pipe(socket));
  echo.listen(0, "127.0.0.1");
  await once(echo, "listening");
  const proxy = new LatencyProxy(
    { host: "127.0.0.1", port: (echo.address() as { port: number }).port },
    10,
    25,
  );
  await proxy.start();
  const client: Socket = connect(proxy.port, "127.0.0.1");
  await once(client, "connect");
  client.setNoDelay(true);
  const received: Buffer[] = [];
  client.on("data", (chunk: Buffer) => received.push(chunk));
  try {
    const sent: Buffer[] = [];
    const busy = (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until);
    };
    // Many small writes, spread over ~0.5 s, with the loop blocked now and then: the proxy's timers then
    // come due late and together, as under a loaded CI machine.
    for (let i = 0; i < 1500; i++) {
      const chunk = Buffer.from(`${String(i).padStart(5, "0")};`);
      sent.push(chunk);
      client.write(chunk);
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (i % 7 === 0) busy(2);
    }
    const total = Buffer.concat(sent).length;
    const until = Date.now() + 20_000;
    while (Buffer.concat(received).length < total && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const text = Buffer.concat(received).toString();
    assert.equal(text.length, total, "every byte came back");
    assert.equal(text, Buffer.concat(sent).toString(), "in the order sent");
    assert.ok(proxy.chunks > 10, `the bytes went through the proxy (${proxy.chunks} chunks)`);
  } finally {
    client.destroy();
    await proxy.close();
    echo.close();
  }
});
