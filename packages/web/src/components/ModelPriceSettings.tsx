import { useState } from "react";
import type { ModelPrice, RecomputeResult } from "../api/model-prices.js";
import { useCreateModelPrice, useDeleteModelPrice, useModelPrices, useRecomputeCosts } from "../hooks/use-model-prices.js";
import { formatCost, formatTimestamp } from "../model/format.js";
import { ErrorBox, Loading } from "./States.js";

/** The price fields of the form: usage type, label. Entered in USD per million tokens. */
const PRICE_FIELDS: ReadonlyArray<readonly [key: string, label: string]> = [
  ["input", "Input"],
  ["output", "Output"],
  ["input_cached_tokens", "Cached input"],
  ["input_cache_creation", "Cache write"],
  ["output_reasoning_tokens", "Reasoning"],
];

const LABELS: Record<string, string> = Object.fromEntries(PRICE_FIELDS);

function pricesText(price: ModelPrice): string {
  return Object.entries(price.prices)
    .map(([key, { price: usd }]) => `${LABELS[key] ?? key} $${Number((usd * 1_000_000).toPrecision(6))}`)
    .join(" · ");
}

function recomputeText(r: RecomputeResult): string {
  const delta = r.costDeltaUsd === 0 ? "no change in total cost" : `total cost ${r.costDeltaUsd > 0 ? "+" : "−"}${formatCost(Math.abs(r.costDeltaUsd))}`;
  return `Recomputed: ${r.updated} of ${r.examined} observations changed in ${r.tracesUpdated} traces (${r.providedSkipped} with client-provided costs kept); ${delta}.`;
}

/**
 * The settings card for the project's custom model prices (they override the catalogue for the
 * models their pattern matches, from their start date) and the button that recomputes costs.
 */
export function ModelPriceSettings({ projectId }: { projectId: string }) {
  const prices = useModelPrices(projectId);
  const create = useCreateModelPrice(projectId);
  const remove = useDeleteModelPrice(projectId);
  const recompute = useRecomputeCosts(projectId);
  const [modelName, setModelName] = useState("");
  const [pattern, setPattern] = useState("");
  const [startDate, setStartDate] = useState("");
  const [perMillion, setPerMillion] = useState<Record<string, string>>({});
  const entered = Object.entries(perMillion).filter(([, v]) => v.trim() !== "");
  const valid = modelName.trim() !== "" && entered.length > 0 && entered.every(([, v]) => Number.isFinite(Number(v)) && Number(v) >= 0);
  return (
    <section className="card" aria-label="Model prices">
      <h2>Model prices</h2>
      <p className="muted">
        Costs are computed at ingestion from the token usage and the <span className="mono">@pydantic/genai-prices</span> catalogue, unless the client sent a
        cost. A custom price overrides the catalogue for the models its pattern matches (a regular expression, case-insensitive), from its start date on.
        Existing costs change only when you recompute them.
      </p>
      <form
        className="inline-form model-price-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          const perToken = Object.fromEntries(entered.map(([k, v]) => [k, Number(v) / 1_000_000]));
          const name = modelName.trim();
          create.mutate(
            { modelName: name, matchPattern: pattern.trim() !== "" ? pattern.trim() : `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, startDate: startDate === "" ? null : `${startDate}T00:00:00Z`, prices: perToken },
            {
              onSuccess: () => {
                setModelName("");
                setPattern("");
                setStartDate("");
                setPerMillion({});
              },
            },
          );
        }}
      >
        <label className="filter">
          <span>Model name</span>
          <input name="modelName" placeholder="my-finetune" value={modelName} onChange={(e) => setModelName(e.target.value)} />
        </label>
        <label className="filter">
          <span>Match pattern</span>
          <input name="matchPattern" placeholder={modelName.trim() === "" ? "^my-finetune$" : `^${modelName.trim()}$`} value={pattern} onChange={(e) => setPattern(e.target.value)} />
        </label>
        <label className="filter">
          <span>From (UTC)</span>
          <input name="startDate" type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </label>
        {PRICE_FIELDS.map(([key, label]) => (
          <label className="filter" key={key}>
            <span>{label} $/1M</span>
            <input
              name={`price-${key}`}
              inputMode="decimal"
              size={7}
              value={perMillion[key] ?? ""}
              onChange={(e) => setPerMillion({ ...perMillion, [key]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit" className="btn btn-primary" disabled={!valid || create.isPending}>
          Add price
        </button>
      </form>
      {create.isError ? <ErrorBox error={create.error} /> : null}
      {prices.isPending ? (
        <Loading />
      ) : prices.isError ? (
        <ErrorBox error={prices.error} />
      ) : prices.data.length === 0 ? (
        <p className="muted">No custom prices: every cost comes from the catalogue.</p>
      ) : (
        <table className="keys" aria-label="Custom model prices">
          <thead>
            <tr>
              <th>Model</th>
              <th>Pattern</th>
              <th>From</th>
              <th>Prices per 1M tokens</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {prices.data.map((p) => (
              <tr key={p.id}>
                <td>{p.modelName}</td>
                <td className="mono">{p.matchPattern}</td>
                <td>{p.startDate === null ? <span className="muted">always</span> : formatTimestamp(p.startDate)}</td>
                <td>{pricesText(p)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Delete the price of ${p.modelName}? Costs already computed with it stay until you recompute.`)) remove.mutate(p.id);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
      <div className="inline-form">
        <button type="button" className="btn" disabled={recompute.isPending} onClick={() => recompute.mutate(null)}>
          {recompute.isPending ? "Recomputing…" : "Recompute costs"}
        </button>
        <span className="muted small">Re-prices every computed cost of this project with the current prices; costs sent by clients are kept.</span>
      </div>
      {recompute.isError ? <ErrorBox error={recompute.error} /> : null}
      {recompute.data !== undefined ? (
        <div className="banner banner-success" role="status" data-testid="recompute-result">
          {recomputeText(recompute.data)}
        </div>
      ) : null}
    </section>
  );
}
