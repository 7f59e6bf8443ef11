import { useState } from "react";
import { useRetention, useSetRetention } from "../hooks/use-retention.js";
import { ErrorBox, Loading } from "./States.js";

function serverDefaultText(days: number | null): string {
  return days === null ? "kept forever (SIGHTLINE_RETENTION_DAYS is not set)" : `${days} days (SIGHTLINE_RETENTION_DAYS)`;
}

/**
 * The settings card for how long the project keeps its traces: its own number of days, or the
 * server-wide default. The server deletes older traces hourly, with their observations.
 */
export function RetentionSettings({ projectId }: { projectId: string }) {
  const retention = useRetention(projectId);
  const save = useSetRetention(projectId);
  const [draft, setDraft] = useState<string | null>(null);
  if (retention.isPending) return <Loading />;
  if (retention.isError) return <ErrorBox error={retention.error} />;
  const { retentionDays, serverDefaultDays, maxDays } = retention.data;
  const value = draft ?? (retentionDays === null ? "" : String(retentionDays));
  const days = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  const valid = Number.isInteger(days) && days >= 1 && days <= maxDays;
  return (
    <section className="card" aria-label="Data retention">
      <h2>Data retention</h2>
      <p className="muted">
        Traces that started longer ago than the retention are deleted with their observations (checked hourly). Dashboards and metrics only count what is kept.
      </p>
      <p data-testid="retention-current">
        {retentionDays === null ? (
          <>
            This project follows the server default: <strong>{serverDefaultText(serverDefaultDays)}</strong>.
          </>
        ) : (
          <>
            This project keeps traces for <strong>{retentionDays} days</strong>.
          </>
        )}
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) save.mutate(days, { onSuccess: () => setDraft(null) });
        }}
      >
        <label className="filter">
          <span>Days to keep</span>
          <input
            name="retentionDays"
            type="number"
            min={1}
            max={maxDays}
            step={1}
            placeholder={serverDefaultDays === null ? "forever" : String(serverDefaultDays)}
            value={value}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={value !== "" && !valid}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!valid || save.isPending || days === retentionDays}>
          Save
        </button>
        <button
          type="button"
          className="btn"
          disabled={retentionDays === null || save.isPending}
          onClick={() => save.mutate(null, { onSuccess: () => setDraft(null) })}
        >
          Use server default
        </button>
      </form>
      {value !== "" && !valid ? <p className="banner banner-warning">Enter a whole number of days from 1 to {maxDays}.</p> : null}
      {save.isError ? <ErrorBox error={save.error} /> : null}
    </section>
  );
}
