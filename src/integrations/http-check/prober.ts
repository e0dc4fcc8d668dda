import type { Prober } from "#app/alerts/health-checks.ts";
import { probe } from "./probe.ts";

/** The Prober port over a stored health check: its method, timeout, expected status, keyword and JSON test. */
export const probeHealthCheck: Prober = (check) =>
  probe({
    url: check.url,
    method: check.method === "HEAD" ? "HEAD" : "GET",
    timeoutMs: check.timeoutMs,
    expectedStatus:
      check.expectedStatus === "2xx" ? "2xx" : check.expectedStatus.split(",").map((c) => Number(c)),
    ...(check.keyword ? { keyword: check.keyword } : {}),
    ...(check.jsonPath ? { jsonField: { path: check.jsonPath, equals: check.jsonEquals ?? "" } } : {}),
  });
