/** What the channel tests share: a SEV1 page to alice unless overridden, and error helpers. */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import {
  ChannelError,
  type ContactKind,
  type MessageIncident,
  type MessageUpdate,
  type OutboundMessage,
} from "#app/ports.ts";

export const INCIDENT: MessageIncident = {
  id: "3f6b2a51-8c1d-4e7a-9b0c-5d2e8f1a6c34",
  humanId: "INC-42",
  title: "Checkout down",
  severity: "SEV1",
  status: "triggered",
  url: "https://foghorn.example.com/incidents/INC-42",
};

export function outboundMessage(
  kind: ContactKind,
  address: string,
  overrides: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    deliveryId: "0d9c7a12-5b3e-4f61-8a2d-7c4e1b9f3a05",
    to: { userId: "u-alice", username: "alice", displayName: "Alice Smith", kind, address },
    subject: "[SEV1] INC-42 Checkout down",
    text: "[SEV1] INC-42 Checkout down (escalation level 2)\nService: payments",
    items: [
      {
        notificationId: "n-1",
        reason: "page",
        summary: "[SEV1] INC-42 Checkout down (escalation level 2)",
        incident: INCIDENT,
      },
    ],
    actions: {
      acknowledgeUrl: "https://foghorn.example.com/a/ack?t=abc&sig=1",
      resolveUrl: "https://foghorn.example.com/a/resolve?t=abc&sig=2",
    },
    replyCode: "A7K",
    ...overrides,
  };
}

export const ACKNOWLEDGED: MessageUpdate = {
  incident: { ...INCIDENT, status: "acknowledged" },
  text: "Acknowledged by bob at 10:02 UTC",
  state: "acknowledged",
};

/** The rejection of `promise`, which must be a ChannelError. */
export async function channelError(promise: Promise<unknown> | undefined): Promise<ChannelError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ChannelError, `expected a ChannelError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

/** A local port nothing listens on (bound, then released), for "server unreachable" cases. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  assert.ok(address && typeof address === "object");
  return address.port;
}
