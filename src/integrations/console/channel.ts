/**
 * A channel for development and demos: each page is one readable log line, and the last few stay in
 * memory for tests and a dev UI. It also plays the fake-of-every-capability role (STYLE.md rule 13):
 * it sends and it updates.
 */
import type { Logger } from "#app/context.ts";
import type { Channel, MessageUpdate, OutboundMessage } from "#app/ports.ts";

/** One thing the console channel printed. */
export type ConsoleEntry =
  | { kind: "send"; ref: string; line: string; message: OutboundMessage }
  | { kind: "update"; ref: string; line: string; update: MessageUpdate; deliveryId: string };

export interface ConsoleChannel extends Channel {
  /** The latest entries, oldest first. */
  recent(): readonly ConsoleEntry[];
}

export const DEFAULT_CONSOLE_KEEP = 100;

/** `page → alice (console): [SEV1] INC-42 Checkout down`. */
export function consoleLine(message: OutboundMessage): string {
  const reason = message.items[0]?.reason ?? "page";
  const label = message.to.address === "" ? "console" : message.to.address;
  const action = message.replyCode ? ` (reply 4 ${message.replyCode} / 6 ${message.replyCode})` : "";
  return `${reason} → ${message.to.username} (${label}): ${message.subject}${action}`;
}

/** The console channel; `keep` bounds the entries held in memory. */
export function createConsoleChannel(log: Logger, opts: { keep?: number } = {}): ConsoleChannel {
  const keep = Math.max(1, opts.keep ?? DEFAULT_CONSOLE_KEEP);
  const entries: ConsoleEntry[] = [];
  let sequence = 0;
  const remember = (entry: ConsoleEntry) => {
    entries.push(entry);
    if (entries.length > keep) entries.splice(0, entries.length - keep);
  };

  return {
    kind: "console",
    async send(message) {
      sequence += 1;
      const ref = String(sequence);
      const line = consoleLine(message);
      remember({ kind: "send", ref, line, message });
      log.info({ channel: "console", deliveryId: message.deliveryId, ref }, line);
      return { providerRef: { ref, to: message.to.username } };
    },
    async update(providerRef, update, deliveryId) {
      const to = providerRef.to ?? "?";
      const line = `update → ${to} (console): ${update.incident.humanId} ${update.text}`;
      remember({ kind: "update", ref: providerRef.ref ?? "?", line, update, deliveryId });
      log.info({ channel: "console", deliveryId, ref: providerRef.ref }, line);
    },
    recent: () => [...entries],
  };
}
