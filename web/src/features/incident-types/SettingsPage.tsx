import type { ReactNode } from "react";
import { Link, useLocation } from "../../router.tsx";

// Incident settings: incident types and custom fields, two tabs of one page.

const TABS = [
  { href: "/settings/incident-types", label: "Incident types" },
  { href: "/settings/custom-fields", label: "Custom fields" },
];

export function SettingsPage({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return (
    <main className="page settings-page" id="main">
      <nav className="subnav" aria-label="Incident settings">
        {TABS.map((t) => (
          <Link key={t.href} href={t.href} aria-current={pathname.startsWith(t.href) ? "page" : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {children}
    </main>
  );
}
