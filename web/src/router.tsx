import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

// A tiny History API router: real paths (/incidents/INC-7), the server answers index.html for them.

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
window.addEventListener("popstate", notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  pathname: string;
  search: URLSearchParams;
  href: string;
}

let cached: Location | null = null;
function readLocation(href: string): Location {
  if (cached?.href !== href) {
    cached = {
      pathname: window.location.pathname,
      search: new URLSearchParams(window.location.search),
      href,
    };
  }
  return cached;
}

export function useLocation(): Location {
  return readLocation(useSyncExternalStore(subscribe, snapshot));
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else {
    window.history.pushState(null, "", to);
    window.scrollTo(0, 0);
  }
  notify();
}

/** Replaces the query string, keeping the path (filters and sort live in the URL). */
export function setQuery(params: URLSearchParams, options: { replace?: boolean } = {}): void {
  const qs = params.toString();
  navigate(`${window.location.pathname}${qs ? `?${qs}` : ""}`, options);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An ordinary link that navigates in-app on a plain left click (new tab etc. still work). */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      rest.target === "_blank"
    )
      return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
