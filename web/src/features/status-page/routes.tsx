import type { ReactNode } from "react";
import { ComponentsPage } from "./ComponentsPage.tsx";
import { MaintenancePage } from "./MaintenancePage.tsx";
import { SettingsPage } from "./SettingsPage.tsx";
import { SubscribersPage } from "./SubscribersPage.tsx";

/** The status page's admin pages under /status-page (the public page itself is /status); null otherwise. */
export function statusPageRoute(pathname: string): ReactNode | null {
  const path = pathname.replace(/\/$/, "");
  if (path === "/status-page" || path === "/status-page/components") return <ComponentsPage />;
  if (path === "/status-page/maintenance") return <MaintenancePage />;
  if (path === "/status-page/subscribers") return <SubscribersPage />;
  if (path === "/status-page/settings") return <SettingsPage />;
  return null;
}
