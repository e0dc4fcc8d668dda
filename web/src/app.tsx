import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { AlertPage } from "./features/alerts/AlertPage.tsx";
import { AlertsPage } from "./features/alerts/AlertsPage.tsx";
import { AuditPage } from "./features/audit/AuditPage.tsx";
import { LoginPage, Logo } from "./features/auth/LoginPage.tsx";
import { SetupPage } from "./features/auth/SetupPage.tsx";
import { SessionProvider, useSession, useUser } from "./features/auth/session.tsx";
import { TokensPage } from "./features/auth/TokensPage.tsx";
import { incidentSettingsRoute } from "./features/incident-types/routes.tsx";
import { DeclarePage } from "./features/incidents/DeclarePage.tsx";
import { DetailPage } from "./features/incidents/DetailPage.tsx";
import { ListPage } from "./features/incidents/ListPage.tsx";
import { ONCALL_PATHS } from "./features/oncall/common.tsx";
import { onCallRoute } from "./features/oncall/routes.tsx";
import { PagingPage } from "./features/paging/PagingPage.tsx";
import { PostmortemPage } from "./features/postmortems/PostmortemPage.tsx";
import { runbookRoute } from "./features/runbooks/routes.tsx";
import { ServicePage } from "./features/services/ServicePage.tsx";
import { ServicesPage } from "./features/services/ServicesPage.tsx";
import { statusPageRoute } from "./features/status-page/routes.tsx";
import { useLiveStatus } from "./live/events.ts";
import { Link, navigate, useLocation } from "./router.tsx";
import { Banner, ErrorNote } from "./ui/banner.tsx";
import { Dialog } from "./ui/dialog.tsx";
import { Kbd, useShortcut } from "./ui/shortcuts.tsx";
import { Toaster } from "./ui/toast.tsx";

// Insights brings uPlot: its own chunk, loaded when the page is opened.
const InsightsPage = lazy(() => import("./features/insights/InsightsPage.tsx"));

export function App() {
  return (
    <SessionProvider>
      <Gate />
      <Toaster />
    </SessionProvider>
  );
}

/** Sign-in gate: /setup is open; everything else needs a session. */
function Gate() {
  const { state, retry } = useSession();
  const location = useLocation();
  const path = location.pathname;
  const signedIn = state.status === "signed-in";
  const signedOut = state.status === "signed-out";

  useEffect(() => {
    if (path === "/setup") return;
    if (signedOut && path !== "/login") {
      const next = path === "/" ? "" : `?next=${encodeURIComponent(path + window.location.search)}`;
      navigate(`/login${next}`, { replace: true });
    }
    if (signedIn && path === "/login") {
      const next = new URLSearchParams(window.location.search).get("next");
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/incidents", { replace: true });
    }
  }, [signedIn, signedOut, path]);

  if (path === "/setup") return <SetupPage />;
  if (state.status === "loading") {
    return (
      <div className="splash" aria-busy="true">
        <Logo />
        <span className="sr-only">Loading Foghorn…</span>
      </div>
    );
  }
  if (state.status === "error") {
    return (
      <main className="auth-page" id="main">
        <div className="auth-card">
          <h1>Foghorn is not reachable</h1>
          <ErrorNote>{state.message}</ErrorNote>
          <button type="button" className="btn btn-primary" onClick={retry}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (state.status === "signed-out") return <LoginPage expired={state.expired} />;
  return <Shell devToken={state.devToken} />;
}

function Shell({ devToken }: { devToken: boolean }) {
  const location = useLocation();
  const [help, setHelp] = useState(false);
  useShortcut("d", () => navigate("/declare"));
  useShortcut("o", () => navigate("/oncall"));
  useShortcut("?", () => setHelp(true));
  useShortcut("/", () => {
    const focusSearch = () => {
      const search = document.getElementById("incident-search") as HTMLInputElement | null;
      search?.focus();
      search?.select();
      return Boolean(search);
    };
    if (!focusSearch()) {
      navigate("/incidents");
      window.requestAnimationFrame(() => window.requestAnimationFrame(focusSearch));
    }
  });

  // Move focus to the page on navigation, so screen readers and keyboards start at the new content.
  const first = useRef(true);
  useEffect(() => {
    void location.pathname;
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById("main");
    if (main && !main.contains(document.activeElement)) {
      main.setAttribute("tabindex", "-1");
      main.focus({ preventScroll: true });
    }
  }, [location.pathname]);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header devToken={devToken} onHelp={() => setHelp(true)} />
      <ConnectionBanner />
      <Routes />
      <Dialog open={help} onClose={() => setHelp(false)} title="Keyboard shortcuts">
        <dl className="shortcuts">
          <div>
            <dt>
              <Kbd>/</Kbd>
            </dt>
            <dd>Search incidents</dd>
          </div>
          <div>
            <dt>
              <Kbd>d</Kbd>
            </dt>
            <dd>Declare an incident</dd>
          </div>
          <div>
            <dt>
              <Kbd>o</Kbd>
            </dt>
            <dd>Who is on call now</dd>
          </div>
          <div>
            <dt>
              <Kbd>a</Kbd>
            </dt>
            <dd>Acknowledge (on an incident)</dd>
          </div>
          <div>
            <dt>
              <Kbd>?</Kbd>
            </dt>
            <dd>This help</dd>
          </div>
        </dl>
        <p className="muted small">Shortcuts are off while you type in a field.</p>
      </Dialog>
    </>
  );
}

function Routes() {
  const { pathname } = useLocation();
  useEffect(() => {
    if (pathname === "/") navigate("/incidents", { replace: true });
  }, [pathname]);
  if (pathname === "/login") return null;
  if (pathname === "/" || pathname === "/incidents" || pathname === "/incidents/") return <ListPage />;
  if (pathname === "/declare" || pathname === "/incidents/new") return <DeclarePage />;
  const postmortem = /^\/incidents\/([^/]+)\/postmortem\/?$/.exec(pathname);
  if (postmortem?.[1]) return <PostmortemPage key={postmortem[1]} id={decodeURIComponent(postmortem[1])} />;
  const match = /^\/incidents\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) return <DetailPage key={match[1]} id={decodeURIComponent(match[1])} />;
  if (pathname === "/alerts" || pathname === "/alerts/") return <AlertsPage />;
  const alert = /^\/alerts\/([^/]+)\/?$/.exec(pathname);
  if (alert?.[1]) return <AlertPage key={alert[1]} id={decodeURIComponent(alert[1])} />;
  const runbook = runbookRoute(pathname);
  if (runbook) return runbook;
  const settings = incidentSettingsRoute(pathname);
  if (settings) return settings;
  if (pathname === "/services" || pathname === "/services/") return <ServicesPage />;
  const service = /^\/services\/([^/]+)\/?$/.exec(pathname);
  if (service?.[1]) return <ServicePage key={service[1]} name={decodeURIComponent(service[1])} />;
  if (pathname === "/paging" || pathname === "/paging/") return <PagingPage />;
  if (pathname === "/audit" || pathname === "/audit/") return <AuditPage />;
  if (pathname === "/profile/tokens" || pathname === "/profile/tokens/") return <TokensPage />;
  const onCall = onCallRoute(pathname);
  if (onCall) return onCall;
  const statusPage = statusPageRoute(pathname);
  if (statusPage) return statusPage;
  if (pathname === "/insights" || pathname === "/insights/")
    return (
      <Suspense
        fallback={
          <main className="page" id="main" aria-busy="true">
            <h1>Insights</h1>
            <span className="sr-only">Loading…</span>
          </main>
        }
      >
        <InsightsPage />
      </Suspense>
    );
  return (
    <main className="page" id="main">
      <div className="empty">
        <h1 className="empty-title">Page not found</h1>
        <Link href="/incidents" className="btn btn-secondary">
          Go to incidents
        </Link>
      </div>
    </main>
  );
}

function Header({ devToken, onHelp }: { devToken: boolean; onHelp: () => void }) {
  const user = useUser();
  const { signOut } = useSession();
  const { pathname } = useLocation();
  const { status } = useLiveStatus();
  const onList = pathname === "/incidents" || pathname.startsWith("/incidents/");
  const section = (path: string) =>
    pathname === path || pathname.startsWith(`${path}/`) ? "page" : undefined;
  return (
    <header className="topbar">
      <Link href="/incidents" className="brand" aria-label="Foghorn, incidents">
        <Logo />
        <span className="brand-name">Foghorn</span>
      </Link>
      <nav className="topnav" aria-label="Main">
        <Link href="/incidents" aria-current={onList ? "page" : undefined}>
          Incidents
        </Link>
        <Link href="/alerts" aria-current={section("/alerts")}>
          Alerts
        </Link>
        <Link href="/services" aria-current={section("/services")}>
          Services
        </Link>
        <Link href="/runbooks" aria-current={section("/runbooks")}>
          Runbooks
        </Link>
        <Link
          href="/oncall"
          aria-current={ONCALL_PATHS.some((p) => section(p)) ? "page" : undefined}
          aria-keyshortcuts="o"
        >
          On call
        </Link>
        <Link href="/paging" aria-current={section("/paging")}>
          Paging
        </Link>
        <Link href="/status-page" aria-current={section("/status-page")}>
          Status page
        </Link>
        <Link href="/insights" aria-current={section("/insights")}>
          Insights
        </Link>
        <Link href="/settings/incident-types" aria-current={section("/settings")}>
          Settings
        </Link>
        {user.role === "admin" ? (
          <Link href="/audit" aria-current={section("/audit")}>
            Audit log
          </Link>
        ) : null}
      </nav>
      <span
        className={`live live-${status}`}
        title={status === "open" ? "Live updates on" : "Live updates paused"}
      >
        <span className="live-dot" aria-hidden="true" />
        <span className="live-text">
          {status === "open" ? "Live" : status === "lost" ? "Offline" : "Connecting"}
        </span>
      </span>
      <div className="topbar-right">
        <Link href="/declare" className="btn btn-danger btn-declare" aria-keyshortcuts="d">
          <span aria-hidden="true">+</span>
          <span>
            Declare<span className="hide-narrow"> incident</span>
          </span>
          <Kbd>D</Kbd>
        </Link>
        <button
          type="button"
          className="btn btn-ghost btn-icon hide-narrow"
          onClick={onHelp}
          aria-label="Keyboard shortcuts"
        >
          ?
        </button>
        <Link
          href="/profile"
          className="user"
          title={
            devToken ? "Signed in with the dev proxy token" : `Signed in as ${user.username}: your profile`
          }
        >
          <span className="hide-narrow">{user.username}</span>
          {devToken ? <span className="tag tag-warn">dev token</span> : null}
        </Link>
        {devToken ? null : (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void signOut()}>
            Sign out
          </button>
        )}
      </div>
    </header>
  );
}

/** "Connection lost — reconnecting" after the event stream has been down for more than a moment. */
function ConnectionBanner() {
  const { status } = useLiveStatus();
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (status !== "lost") {
      setShow(false);
      return;
    }
    const t = window.setTimeout(() => setShow(true), 1500);
    return () => window.clearTimeout(t);
  }, [status]);
  if (!show) return null;
  return (
    <Banner tone="warn">
      <span className="spinner" aria-hidden="true" /> Connection lost — reconnecting. Changes made by others
      will appear when the connection is back.
    </Banner>
  );
}
