import type { ReactNode } from "react";
import { OnCallNowPage } from "./OnCallNowPage.tsx";
import { PeoplePage } from "./PeoplePage.tsx";
import { PersonPage, ProfilePage } from "./PersonPage.tsx";
import { PoliciesPage } from "./PoliciesPage.tsx";
import { EditPolicyPage, NewPolicyPage } from "./PolicyFormPage.tsx";
import { PolicyPage } from "./PolicyPage.tsx";
import { RulesPage } from "./RulesPage.tsx";
import { EditSchedulePage, NewSchedulePage } from "./ScheduleFormPage.tsx";
import { SchedulePage } from "./SchedulePage.tsx";
import { SchedulesPage } from "./SchedulesPage.tsx";
import { TeamsPage } from "./TeamsPage.tsx";

// The on-call section's pages by path; null for a path that is not one of them.

const LISTS: Record<string, () => ReactNode> = {
  "/oncall": () => <OnCallNowPage />,
  "/schedules": () => <SchedulesPage />,
  "/schedules/new": () => <NewSchedulePage />,
  "/escalation-policies": () => <PoliciesPage />,
  "/escalation-policies/new": () => <NewPolicyPage />,
  "/escalation-rules": () => <RulesPage />,
  "/teams": () => <TeamsPage />,
  "/people": () => <PeoplePage />,
  "/profile": () => <ProfilePage />,
};

const DETAILS: [RegExp, (name: string) => ReactNode][] = [
  [/^\/schedules\/([^/]+)\/edit$/, (n) => <EditSchedulePage key={n} name={n} />],
  [/^\/schedules\/([^/]+)$/, (n) => <SchedulePage key={n} name={n} />],
  [/^\/escalation-policies\/([^/]+)\/edit$/, (n) => <EditPolicyPage key={n} name={n} />],
  [/^\/escalation-policies\/([^/]+)$/, (n) => <PolicyPage key={n} name={n} />],
  [/^\/people\/([^/]+)$/, (n) => <PersonPage key={n} username={n} />],
];

export function onCallRoute(pathname: string): ReactNode | null {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, "") : pathname;
  const list = LISTS[path];
  if (list) return list();
  for (const [re, page] of DETAILS) {
    const m = re.exec(path);
    if (m?.[1]) return page(decodeURIComponent(m[1]));
  }
  return null;
}
