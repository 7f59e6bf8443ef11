import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client.js";
import { login } from "../api/endpoints.js";

/** The login form (shown when the server requires the admin password and there is no session). */
export function LoginPage() {
  const client = useQueryClient();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await login(password);
      await client.invalidateQueries();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? "Wrong password." : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form
        className="card login-card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="brand brand-large">
          <span className="brand-mark">◉</span> Sightline
        </div>
        <p className="muted">This server requires the admin password (SIGHTLINE_ADMIN_PASSWORD).</p>
        <label className="filter filter-wide">
          <span>Password</span>
          <input type="password" name="password" autoComplete="current-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error !== null ? (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy || password === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
