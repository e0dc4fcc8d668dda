import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { ReplayGuard, type SignatureCheck, verifyGrafanaSignature } from "./signature.ts";

const SECRET = "s3cr3t-from-the-contact-point";
const BODY =
  '{"receiver":"foghorn","status":"firing","version":"1","groupKey":"{}:{alertname=\\"HighCPU\\"}"}';
const NOW = new Date("2026-11-23T10:00:00Z");
const NOW_SECONDS = String(NOW.getTime() / 1000);

/** What Grafana's HMACRoundTripper computes, written out independently of the code under test. */
function grafanaSignature(body: string, secret = SECRET, timestamp?: string): string {
  const hmac = createHmac("sha256", secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}:`);
  return hmac.update(body).digest("hex");
}

function reason(check: SignatureCheck): string {
  if (check.ok) assert.fail("expected the signature to be refused");
  return check.reason;
}

describe("verifyGrafanaSignature", () => {
  test("accepted from either default header, whatever the header name's case", () => {
    for (const name of [
      "x-grafana-alerting-signature",
      "x-grafana-alert-signature",
      "X-Grafana-Alert-Signature",
    ]) {
      const headers = { [name]: grafanaSignature(BODY) };
      assert.deepEqual(verifyGrafanaSignature({ secret: SECRET, rawBody: BODY, headers, now: NOW }), {
        ok: true,
      });
      const asBuffer = { secret: SECRET, rawBody: Buffer.from(BODY), headers, now: NOW };
      assert.deepEqual(verifyGrafanaSignature(asBuffer), { ok: true }, name);
    }
  });

  test("a custom signature header replaces the defaults", () => {
    const input = { secret: SECRET, rawBody: BODY, now: NOW, signatureHeader: "X-Foghorn-Sig" };
    const signature = grafanaSignature(BODY);
    assert.deepEqual(verifyGrafanaSignature({ ...input, headers: { "x-foghorn-sig": signature } }), {
      ok: true,
    });
    const refusal = reason(
      verifyGrafanaSignature({ ...input, headers: { "x-grafana-alert-signature": signature } }),
    );
    assert.match(refusal, /the X-Foghorn-Sig header is present/);
  });

  test("accepted with the timestamp variant: Grafana signs `<timestamp>:` + body", () => {
    const headers = {
      "x-grafana-alert-signature": grafanaSignature(BODY, SECRET, NOW_SECONDS),
      "x-grafana-alerting-timestamp": NOW_SECONDS,
    };
    const input = { secret: SECRET, rawBody: BODY, headers, timestampHeader: "X-Grafana-Alerting-Timestamp" };
    assert.deepEqual(verifyGrafanaSignature({ ...input, now: NOW }), { ok: true });
    // 300 s either way is still inside the window.
    assert.deepEqual(verifyGrafanaSignature({ ...input, now: new Date(NOW.getTime() + 300_000) }), {
      ok: true,
    });
    assert.deepEqual(verifyGrafanaSignature({ ...input, now: new Date(NOW.getTime() - 300_000) }), {
      ok: true,
    });
  });

  test("refused with a wrong secret, and with a tampered body", () => {
    const wrongSecret = { "x-grafana-alert-signature": grafanaSignature(BODY, "another secret") };
    assert.match(
      reason(verifyGrafanaSignature({ secret: SECRET, rawBody: BODY, headers: wrongSecret, now: NOW })),
      /^the signature does not match: check the secret configured in the Grafana contact point's HMAC settings/,
    );
    const headers = { "x-grafana-alert-signature": grafanaSignature(BODY) };
    const tampered = BODY.replace("firing", "resolved");
    assert.match(
      reason(verifyGrafanaSignature({ secret: SECRET, rawBody: tampered, headers, now: NOW })),
      /does not match/,
    );
  });

  test("refused without a signature header, naming both header names", () => {
    const refusal = reason(verifyGrafanaSignature({ secret: SECRET, rawBody: BODY, headers: {}, now: NOW }));
    assert.match(refusal, /X-Grafana-Alerting-Signature/);
    assert.match(refusal, /X-Grafana-Alert-Signature/);
  });

  test("refused when the signature is not hex or not 64 digits long", () => {
    const check = (value: string) =>
      reason(
        verifyGrafanaSignature({
          secret: SECRET,
          rawBody: BODY,
          headers: { "x-grafana-alert-signature": value },
          now: NOW,
        }),
      );
    assert.match(check(`sha256=${grafanaSignature(BODY)}`), /is not hex/);
    assert.match(check("zz".repeat(32)), /is not hex/);
    assert.match(check(grafanaSignature(BODY).slice(0, 40)), /has 40 hex digits; an HMAC-SHA256 has 64/);
  });

  test("refused when the timestamp is too old, too new, missing or not a number", () => {
    const timestampHeader = "X-Grafana-Alerting-Timestamp";
    const signed = (timestamp: string) => ({
      "x-grafana-alert-signature": grafanaSignature(BODY, SECRET, timestamp),
      "x-grafana-alerting-timestamp": timestamp,
    });
    const check = (headers: Record<string, string>) =>
      verifyGrafanaSignature({ secret: SECRET, rawBody: BODY, headers, now: NOW, timestampHeader });
    const old = String(Number(NOW_SECONDS) - 412);
    assert.equal(
      reason(check(signed(old))),
      "timestamp is 412 s from our clock; allowed ±300 s: check the sender's clock, or this is a replay",
    );
    assert.match(reason(check(signed(String(Number(NOW_SECONDS) + 301)))), /is 301 s from our clock/);
    assert.match(
      reason(check({ "x-grafana-alert-signature": grafanaSignature(BODY) })),
      /X-Grafana-Alerting-Timestamp header is missing/,
    );
    assert.match(reason(check(signed("yesterday"))), /is "yesterday", not a number/);
    // A timestamp moved forward by someone else breaks the signature before the window is looked at.
    const moved = { ...signed(old), "x-grafana-alerting-timestamp": NOW_SECONDS };
    assert.match(reason(check(moved)), /does not match/);
  });

  test("refused when no secret is configured", () => {
    const headers = { "x-grafana-alert-signature": createHmac("sha256", "").update(BODY).digest("hex") };
    assert.match(
      reason(verifyGrafanaSignature({ secret: "", rawBody: BODY, headers, now: NOW })),
      /no HMAC secret/,
    );
  });
});

describe("ReplayGuard", () => {
  const signature = grafanaSignature(BODY, SECRET, NOW_SECONDS);
  const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  test("an exact replay inside the window is refused; a new signature is not", () => {
    const guard = new ReplayGuard();
    assert.equal(guard.seen(signature, NOW), false);
    assert.equal(guard.seen(signature, later(1)), true);
    assert.equal(guard.seen(signature.toUpperCase(), later(599)), true);
    assert.equal(
      guard.seen(grafanaSignature(BODY, SECRET, String(Number(NOW_SECONDS) + 1)), later(1)),
      false,
    );
  });

  test("entries older than twice the tolerance are forgotten", () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300 });
    guard.seen(signature, NOW);
    guard.seen("b".repeat(64), later(400));
    assert.equal(guard.seen("c".repeat(64), later(601)), false);
    assert.equal(guard.size, 2);
    assert.equal(guard.seen(signature, later(602)), false);
  });

  test("memory is capped: the oldest entry goes first", () => {
    const guard = new ReplayGuard({ maxEntries: 3 });
    for (const [i, s] of ["a", "b", "c", "d"].entries()) guard.seen(s.repeat(64), later(i));
    assert.equal(guard.size, 3);
    assert.equal(guard.seen("a".repeat(64), later(5)), false);
    assert.equal(guard.seen("d".repeat(64), later(5)), true);
  });
});
