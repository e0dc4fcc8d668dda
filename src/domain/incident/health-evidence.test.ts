import assert from "node:assert/strict";
import { test } from "node:test";
import { healthCheckCaption } from "./health-evidence.ts";

test("a health check result reads as one line", () => {
  const base = { service: "checkout", check: "api", latencyMs: 35 };
  assert.equal(
    healthCheckCaption({ ...base, ok: true, statusCode: 200, error: null }),
    "checkout / api: healthy, 200 in 35 ms",
  );
  assert.equal(
    healthCheckCaption({ ...base, ok: false, statusCode: null, error: "connection refused" }),
    "checkout / api: down: connection refused",
  );
  assert.equal(
    healthCheckCaption({ ...base, ok: false, statusCode: 500, error: "expected status 2xx, got 500" }),
    "checkout / api: down: expected status 2xx, got 500 (35 ms)",
  );
  const long = healthCheckCaption({ ...base, ok: false, statusCode: null, error: "x".repeat(900) });
  assert.equal(long.length, 500);
});
