import assert from "node:assert/strict";
import { test } from "node:test";
import { isMasked, MASK, maskAddress, maskPathSecrets, maskSecret, maskUrl } from "./mask.ts";

test("a URL keeps its scheme and host only", () => {
  for (const [url, shown] of [
    ["https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/…"],
    ["http://127.0.0.1:8080/hook?key=abc", "http://127.0.0.1:8080/…"],
    ["https://user:pass@example.com/", "https://example.com/"],
    ["https://example.com", "https://example.com/"],
    ["https://example.com/#frag", "https://example.com/…"],
    ["not a url", MASK],
  ] as const)
    assert.equal(maskUrl(url), shown, url);
});

test("a secret shows its last four characters when long enough to spare them", () => {
  assert.equal(maskSecret("0123456789abcdefWXYZ"), "••••WXYZ");
  assert.equal(maskSecret("short-secret"), "••••");
  assert.ok(isMasked(maskSecret("0123456789abcdefWXYZ")));
  assert.ok(isMasked(maskUrl("https://a.example/b")));
  assert.ok(!isMasked("https://a.example/b"));
});

test("only webhook addresses are masked", () => {
  assert.equal(maskAddress("webhook", "https://a.example/secret"), "https://a.example/…");
  assert.equal(maskAddress("email", "alice@example.com"), "alice@example.com");
  assert.equal(maskAddress("sms", "+4915100000000"), "+4915100000000");
});

test("request paths lose their keys, not their names", () => {
  for (const [path, logged] of [
    ["/webhooks/grafana/2waDfIm_TUULptQ9jXZI4rU8M9f4Ct5H", "/webhooks/grafana/2waD…"],
    ["/p/Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg?action=acknowledge", "/p/Ab3d…?action=acknowledge"],
    ["/api/v1/schedules/primary/calendar.ics?token=abc", "/api/v1/schedules/primary/calendar.ics?token=…"],
    ["/status/confirm?token=x&from=mail", "/status/confirm?token=…&from=mail"],
    [
      "/api/v1/services/checkout-api-production-eu-west-1",
      "/api/v1/services/checkout-api-production-eu-west-1",
    ],
    [
      "/api/v1/integrations/43071d97-1787-4c9a-b500-e967a5ea2775",
      "/api/v1/integrations/43071d97-1787-4c9a-b500-e967a5ea2775",
    ],
    ["/api/v1/incidents/INC-12/timeline", "/api/v1/incidents/INC-12/timeline"],
  ] as const)
    assert.equal(maskPathSecrets(path), logged, path);
});
