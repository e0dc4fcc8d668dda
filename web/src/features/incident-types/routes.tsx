import type { ReactNode } from "react";
import { CustomFieldsPage } from "./CustomFieldsPage.tsx";
import { IncidentTypesPage } from "./IncidentTypesPage.tsx";

/** The incident settings pages: /settings/incident-types and /settings/custom-fields; null otherwise. */
export function incidentSettingsRoute(pathname: string): ReactNode | null {
  const path = pathname.replace(/\/$/, "");
  if (path === "/settings" || path === "/settings/incident-types") return <IncidentTypesPage />;
  if (path === "/settings/custom-fields") return <CustomFieldsPage />;
  return null;
}
