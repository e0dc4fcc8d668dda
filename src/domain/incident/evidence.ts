/** Kinds of evidence linked to an incident (seed 002: metrics, logs, traces, screenshots). */
export const EVIDENCE_KINDS = [
  "metric",
  "log",
  "trace",
  "screenshot",
  "dashboard",
  "link",
  "health_check",
  "other",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|svg)(\?.*)?$/i;

/** True when the evidence can be shown as an image thumbnail. */
export function isImageEvidence(kind: EvidenceKind, url: string): boolean {
  return kind === "screenshot" || IMAGE_EXTENSIONS.test(url);
}
