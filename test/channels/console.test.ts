// The development channel: one readable log line per page, the latest kept in memory.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Logger } from "#app/context.ts";
import { createConsoleChannel } from "#integrations/console/channel.ts";
import { ACKNOWLEDGED, outboundMessage } from "../helpers/channels.ts";

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (obj: object | string, msg?: string) => {
    lines.push(typeof obj === "string" ? obj : (msg ?? ""));
  };
  return { lines, info: record, warn: record, error: record, debug: record };
}

test("each page is one readable line, and updates are logged against it", async () => {
  const log = recordingLogger();
  const channel = createConsoleChannel(log);
  const { providerRef } = await channel.send(outboundMessage("console", "console"));
  assert.deepEqual(log.lines, ["page → alice (console): [SEV1] INC-42 Checkout down (reply 4 A7K / 6 A7K)"]);

  await channel.update?.(providerRef ?? {}, ACKNOWLEDGED, "d-2");
  assert.equal(log.lines[1], "update → alice (console): INC-42 Acknowledged by bob at 10:02 UTC");

  const recent = channel.recent();
  assert.deepEqual(
    recent.map((e) => e.kind),
    ["send", "update"],
  );
  assert.equal(
    recent[0]?.kind === "send" ? recent[0].message.deliveryId : "",
    outboundMessage("console", "").deliveryId,
  );
});

test("only the last N entries are kept, oldest first", async () => {
  const channel = createConsoleChannel(recordingLogger(), { keep: 3 });
  for (let i = 1; i <= 5; i++) {
    await channel.send(
      outboundMessage("console", "dev", {
        subject: `page ${i}`,
        items: [{ notificationId: `n${i}`, reason: "reminder", summary: `page ${i}` }],
        replyCode: undefined,
      }),
    );
  }
  assert.deepEqual(
    channel.recent().map((e) => e.line),
    ["reminder → alice (dev): page 3", "reminder → alice (dev): page 4", "reminder → alice (dev): page 5"],
  );
});
