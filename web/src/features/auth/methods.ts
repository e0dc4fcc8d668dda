import { useEffect, useState } from "react";
import { request } from "../../api/client.ts";

/** GET /api/v1/auth/methods: whether passwords are on, and the SSO provider when one is configured. */
export interface SignInMethods {
  password: boolean;
  oidc: { name: string; start_url: string } | null;
}

/** The sign-in methods; null while loading (or when the server is too old to say: passwords only). */
export function useSignInMethods(): SignInMethods | null {
  const [methods, setMethods] = useState<SignInMethods | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    request<SignInMethods>("/api/v1/auth/methods", { allowUnauthenticated: true, signal: controller.signal })
      .then(setMethods)
      .catch(() => {
        if (!controller.signal.aborted) setMethods({ password: true, oidc: null });
      });
    return () => controller.abort();
  }, []);
  return methods;
}

/** The SSO start URL, coming back to the page the person asked for. */
export function ssoHref(startUrl: string): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return here === "/" ? startUrl : `${startUrl}?return_to=${encodeURIComponent(here)}`;
}
