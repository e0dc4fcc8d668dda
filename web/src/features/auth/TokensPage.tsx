import { type FormEvent, useState } from "react";
import { errorMessage, request } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import { Link } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog } from "../../ui/confirm.tsx";
import { CopyButton } from "../../ui/copy.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";

// Your API tokens (/profile/tokens): list with scope and last use, create (the secret is shown once, with a
// copy button), revoke with a confirmation. docs/authentication.md explains scopes.

const SCOPES = [
  { value: "write", label: "write: everything your role allows but admin operations" },
  { value: "read", label: "read: look only" },
  { value: "ingest", label: "ingest: only send alert events (POST /api/v1/services/NAME/events)" },
  { value: "admin", label: "admin: everything your role allows (admins only)" },
] as const;

interface Token {
  id: string;
  name: string;
  username: string;
  prefix: string;
  scope: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}
interface Created extends Token {
  token: string;
}

function state(t: Token): { text: string; tone: string } {
  if (t.revoked_at) return { text: "Revoked", tone: "tag-muted" };
  if (t.expires_at && Date.parse(t.expires_at) <= Date.now()) return { text: "Expired", tone: "tag-muted" };
  return { text: "Active", tone: "tag-ok" };
}

export function TokensPage() {
  useDocumentTitle("API tokens");
  const list = useResource("tokens", (signal) => request<{ items: Token[] }>("/api/v1/tokens", { signal }));
  const [name, setName] = useState("");
  const [scope, setScope] = useState<string>("write");
  const [days, setDays] = useState("");
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFormError(null);
    try {
      const token = await request<Created>("/api/v1/tokens", {
        body: { name: name.trim(), scope, ...(days.trim() ? { expires_in_days: Number(days) } : {}) },
      });
      setCreated(token);
      setName("");
      setDays("");
      list.reload();
    } catch (error) {
      setFormError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setRevokeError(null);
    try {
      await request<Token>(`/api/v1/tokens/${revoking.id}`, { method: "DELETE" });
      toast(`Revoked "${revoking.name}"`);
      setRevoking(null);
      list.reload();
    } catch (error) {
      setRevokeError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page" id="main">
      <p className="muted">
        <Link href="/profile">Your profile</Link> / API tokens
      </p>
      <h1>API tokens</h1>
      <p className="muted">
        Tokens let scripts, CI and monitoring call Foghorn with <code>Authorization: Bearer fh_…</code>. A
        token can do at most what your role allows, narrowed by its scope. Revoking one stops it on the very
        next request.
      </p>

      {created ? (
        <section className="token-created" aria-live="polite">
          <h2>Token "{created.name}" created</h2>
          <p>Copy the secret now: it is shown only this once and Foghorn keeps only a hash of it.</p>
          <div className="copy-value">
            <code className="copy-text token-secret">{created.token}</code>
            <CopyButton value={created.token} label="Copy token" />
          </div>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </section>
      ) : null}

      <form className="token-form" onSubmit={(e) => void create(e)}>
        <h2>Create a token</h2>
        <label>
          Name
          <input
            required
            maxLength={100}
            value={name}
            placeholder="ci, grafana, laptop"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Scope
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            {SCOPES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Expires after (days, empty: never)
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        {formError ? (
          <div className="error-note" role="alert">
            {formError}
          </div>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
          Create token
        </button>
      </form>

      <h2>Your tokens</h2>
      {list.error ? <LoadError what="your tokens" error={list.error} onRetry={list.reload} /> : null}
      {list.data && list.data.items.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <table className="table tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>State</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((t) => {
              const s = state(t);
              return (
                <tr key={t.id} className={t.revoked_at ? "token-revoked" : undefined}>
                  <td>{t.name}</td>
                  <td>
                    <span className="tag">{t.scope}</span>
                  </td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>
                    <RelativeTime iso={t.created_at} />
                  </td>
                  <td>{t.last_used_at ? <RelativeTime iso={t.last_used_at} /> : "Never"}</td>
                  <td>{t.expires_at ? <RelativeTime iso={t.expires_at} /> : "Never"}</td>
                  <td>
                    <span className={`tag ${s.tone}`}>{s.text}</span>
                  </td>
                  <td>
                    {t.revoked_at ? null : (
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={() => {
                          setRevokeError(null);
                          setRevoking(t);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}

      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke "${revoking?.name ?? ""}"?`}
        confirmLabel="Revoke token"
        busy={busy}
        error={revokeError}
        onConfirm={() => void revoke()}
        onClose={() => setRevoking(null)}
      >
        <p>
          Anything using this token ({revoking?.prefix}…) is refused from its next request on. This cannot be
          undone; create a new token instead.
        </p>
      </ConfirmDialog>
    </main>
  );
}
