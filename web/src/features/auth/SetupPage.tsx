import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../../api/client.ts";
import { completeSetup } from "../../api/endpoints.ts";
import { navigate, useLocation } from "../../router.tsx";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field } from "../../ui/field.tsx";
import { Logo } from "./LoginPage.tsx";
import { useSession } from "./session.tsx";

const MIN_LENGTH = 12;

/** First run: /setup?token=… from the server's start-up output lets the admin choose a password. */
export function SetupPage() {
  const { search } = useLocation();
  const { signedIn } = useSession();
  const token = search.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (password.length < MIN_LENGTH) local.password = `must be at least ${MIN_LENGTH} characters`;
    if (confirm !== password) local.confirm = "does not match the password above";
    setFields(local);
    setError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const session = await completeSetup(token, password);
      signedIn(session);
      navigate("/incidents", { replace: true });
    } catch (e) {
      if (e instanceof ApiError) {
        setFields(e.fieldErrors());
        setError(
          e.status === 401 || e.status === 404 || e.fieldErrors().token
            ? "This setup link is no longer valid. Ask for a new one, or run `foghorn user set-password admin`."
            : e.message,
        );
      } else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="setup-title" noValidate>
        <div className="auth-brand">
          <Logo />
          <span>Foghorn</span>
        </div>
        <h1 id="setup-title">Set the admin password</h1>
        <p className="muted">
          Choose the password for the <strong>admin</strong> user. This link works once.
        </p>
        {!token ? (
          <ErrorNote>This page needs the setup link printed by the server at first start.</ErrorNote>
        ) : null}
        {error ? <ErrorNote>{error}</ErrorNote> : null}
        <input type="text" name="username" autoComplete="username" value="admin" readOnly hidden />
        <Field label="New password" hint={`At least ${MIN_LENGTH} characters.`} error={fields.password}>
          {(ids) => (
            <input
              {...ids}
              type="password"
              autoComplete="new-password"
              minLength={MIN_LENGTH}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label="Repeat the password" error={fields.confirm}>
          {(ids) => (
            <input
              {...ids}
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !token}>
          {busy ? "Saving…" : "Set password and sign in"}
        </button>
      </form>
    </main>
  );
}
