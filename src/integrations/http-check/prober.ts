import type { Prober } from "#app/alerts/health-checks.ts";
import { probe } from "./probe.ts";

/**
 * The Prober port over a stored health check: its method, timeout, expected status, keyword and JSON test,
 * fetched through `fetch`: the SSRF-guarded fetch with security.outboundAllow (net/ssrf.ts); by default
 * one with an empty allowlist.
 */
export function createHealthCheckProber(fetch?: typeof globalThis.fetch): Prober {
  return (check) => probeCheck(check, fetch);
}

/** The Prober with an empty allowlist: internal (private, loopback) addresses are refused. */
export const probeHealthCheck: Prober = (check) => probeCheck(check, undefined);

function probeCheck(check: Parameters<Prober>[0], fetch: typeof globalThis.fetch | undefined) {
  return probe(
    {
      url: check.url,
      method: check.method === "HEAD" ? "HEAD" : "GET",
      timeoutMs: check.timeoutMs,
      expectedStatus:
        check.expectedStatus === "2xx" ? "2xx" : check.expectedStatus.split(",").map((c) => Number(c)),
      ...(check.keyword ? { keyword: check.keyword } : {}),
      ...(check.jsonPath ? { jsonField: { path: check.jsonPath, equals: check.jsonEquals ?? "" } } : {}),
    },
    fetch ? { fetch } : {},
  );
}
