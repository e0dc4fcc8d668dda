/** One health check's answer, as the "check affected services" action records it. */
export interface CheckOutcome {
  service: string;
  check: string;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

const MAX_CAPTION = 500;

/**
 * The evidence caption for a check result, readable in the timeline on its own:
 * "checkout / api: healthy, 200 in 35 ms" or "payments / api: down: connection refused".
 */
export function healthCheckCaption(o: CheckOutcome): string {
  const head = `${o.service} / ${o.check}: `;
  const status = o.statusCode === null ? "" : `${o.statusCode} `;
  const text = o.ok
    ? `${head}healthy, ${status}in ${o.latencyMs} ms`
    : `${head}down: ${o.error ?? "failed"}${o.statusCode === null ? "" : ` (${o.latencyMs} ms)`}`;
  return text.length > MAX_CAPTION ? `${text.slice(0, MAX_CAPTION - 1)}…` : text;
}
