import { useState } from "react";
import type { CreatedApiKey } from "../api/shapes.js";
import { CopyButton } from "../components/CopyButton.js";
import { ModelPriceSettings } from "../components/ModelPriceSettings.js";
import { RetentionSettings } from "../components/RetentionSettings.js";
import { ErrorBox, Loading } from "../components/States.js";
import { useApiKeys, useCreateApiKey, useProjects, useRevokeApiKey } from "../hooks/queries.js";
import { useProject } from "../hooks/use-project.js";
import { formatTimestamp } from "../model/format.js";

function NewKey({ created }: { created: CreatedApiKey }) {
  const env = `SIGHTLINE_PUBLIC_KEY=${created.publicKey}\nSIGHTLINE_SECRET_KEY=${created.secretKey}\nSIGHTLINE_BASE_URL=${window.location.origin}`;
  return (
    <div className="banner banner-success" role="status" data-testid="new-key">
      <strong>Key created.</strong> Copy the secret key now: it is stored hashed and will not be shown again.
      <pre className="raw">{env}</pre>
      <CopyButton text={env} label="Copy as environment variables" />
    </div>
  );
}

/** `/settings`: the project switcher and the project's API keys (create, list, revoke). */
export function SettingsPage() {
  const { projectId, setProjectId } = useProject();
  const projects = useProjects();
  const keys = useApiKeys(projectId);
  const create = useCreateApiKey(projectId);
  const revoke = useRevokeApiKey(projectId);
  const [note, setNote] = useState("");
  return (
    <div className="page">
      <header className="page-head">
        <h1>Settings</h1>
      </header>
      <div className="page-body scroll settings">
        <section className="card">
          <h2>Project</h2>
          {projects.isPending ? (
            <Loading />
          ) : projects.isError ? (
            <ErrorBox error={projects.error} />
          ) : (
            <label className="filter">
              <span>Current project</span>
              <select value={projectId} onChange={(e) => setProjectId(e.target.value)} name="project">
                {projects.data.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.id})
                  </option>
                ))}
              </select>
            </label>
          )}
        </section>
        <section className="card">
          <h2>API keys</h2>
          <p className="muted">SDKs and OpenTelemetry exporters send traces with a key pair of this project (HTTP Basic auth).</p>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate(note.trim(), { onSuccess: () => setNote("") });
            }}
          >
            <input name="note" placeholder="Note (e.g. production backend)" value={note} onChange={(e) => setNote(e.target.value)} />
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>
              Create key
            </button>
          </form>
          {create.isError ? <ErrorBox error={create.error} /> : null}
          {create.data !== undefined ? <NewKey created={create.data} /> : null}
          {keys.isPending ? (
            <Loading />
          ) : keys.isError ? (
            <ErrorBox error={keys.error} />
          ) : (
            <table className="keys" aria-label="API keys">
              <thead>
                <tr>
                  <th>Public key</th>
                  <th>Secret key</th>
                  <th>Note</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id} className={k.revokedAt !== null ? "revoked" : ""}>
                    <td className="mono">{k.publicKey}</td>
                    <td className="mono muted">{k.displaySecretKey}</td>
                    <td>{k.note ?? <span className="muted">–</span>}</td>
                    <td>{formatTimestamp(k.createdAt)}</td>
                    <td>{formatTimestamp(k.lastUsedAt)}</td>
                    <td>
                      {k.revokedAt !== null ? (
                        <span className="muted">revoked {formatTimestamp(k.revokedAt)}</span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          disabled={revoke.isPending}
                          onClick={() => {
                            if (window.confirm(`Revoke ${k.publicKey}? Applications using it will be refused at once.`)) revoke.mutate(k.id);
                          }}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <RetentionSettings projectId={projectId} />
        <ModelPriceSettings projectId={projectId} />
      </div>
    </div>
  );
}
