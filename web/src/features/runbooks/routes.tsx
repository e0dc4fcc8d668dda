import type { ReactNode } from "react";
import { RunbookPage } from "./RunbookPage.tsx";
import { RunbooksPage } from "./RunbooksPage.tsx";

/** The runbook pages: /runbooks and /services/<name>/runbook; null for any other path. */
export function runbookRoute(pathname: string): ReactNode | null {
  if (pathname === "/runbooks" || pathname === "/runbooks/") return <RunbooksPage />;
  const m = /^\/services\/([^/]+)\/runbook\/?$/.exec(pathname);
  if (m?.[1]) {
    const service = decodeURIComponent(m[1]);
    return <RunbookPage key={service} service={service} />;
  }
  return null;
}
