import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../../api/client.ts";
import { signIn } from "../../api/endpoints.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field } from "../../ui/field.tsx";
import { ssoHref, useSignInMethods } from "./methods.ts";
import { useSession } from "./session.tsx";

/** Username and password, and "Sign in with <provider>" when SSO is on. Nothing typed is cleared when sign-in fails. */
export function LoginPage({ expired }: { expired: boolean }) {
  const { signedIn } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const methods = useSignInMethods();
  const sso = methods?.oidc ?? null;
  const passwords = methods?.password ?? true;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      signedIn(await signIn(username.trim(), password));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError("Wrong username or password.");
      else if (e instanceof ApiError && e.problem.errors?.length) {
        setFields(e.fieldErrors());
        setError(e.message);
      } else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div className="auth-brand">
          <Logo />
          <span>Foghorn</span>
        </div>
        <h1 id="login-title">Sign in</h1>
        {expired ? <p className="muted">Your session ended. Sign in again to continue.</p> : null}
        {error ? <ErrorNote>{error}</ErrorNote> : null}
        {sso ? (
          <a className="btn btn-secondary btn-block btn-sso" href={ssoHref(sso.start_url)}>
            Sign in with {sso.name}
          </a>
        ) : null}
        {sso && passwords ? (
          <p className="auth-divider">
            <span>or with a password</span>
          </p>
        ) : null}
        {!passwords ? (
          <p className="muted">Password sign-in is turned off{sso ? `; use ${sso.name}` : ""}.</p>
        ) : null}
        {passwords ? (
          <>
            <Field label="Username" error={fields.username}>
              {(ids) => (
                <input
                  {...ids}
                  name="username"
                  autoComplete="username"
                  autoCapitalize="none"
                  spellCheck={false}
                  required
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                />
              )}
            </Field>
            <Field label="Password" error={fields.password}>
              {(ids) => (
                <input
                  {...ids}
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>
            <button
              type="submit"
              className="btn btn-primary btn-block"
              disabled={busy || !username || !password}
            >
              {busy ? "Signing in…" : "Sign in"}
            </button>
            <p className="hint">
              First start? Use the one-time setup link the server printed, or run{" "}
              <code>foghorn user set-password admin</code>.
            </p>
          </>
        ) : null}
      </form>
    </main>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--accent)" />
      <path
        d="M9 20.5V11.5l9-4v17zM18 10.5h2.5a3.5 3.5 0 0 1 3.5 3.5v4a3.5 3.5 0 0 1-3.5 3.5H18M12 20.5l1.5 5h3l-1-4.5"
        fill="none"
        stroke="#fff"
        strokeWidth="2"
        strokeLinejoin="round"
      />
    </svg>
  );
}
