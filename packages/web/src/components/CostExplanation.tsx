import { explainCost } from "../model/cost-explanation.js";
import { formatCost, formatCount } from "../model/format.js";

/** USD per million tokens, as price lists write it. */
function formatRate(usdPerMillion: number): string {
  return `$${Number(usdPerMillion.toPrecision(6))} / 1M`;
}

/**
 * "Why this cost": provided by the client, or computed from which price (catalogue model and price
 * date, or a custom price), with the tokens, rate and cost of each token class.
 */
export function CostExplanation({ explanation }: { explanation: unknown }) {
  const view = explainCost(explanation);
  if (view === null) return null;
  return (
    <section className="io cost-explanation" aria-label="Why this cost" data-testid="cost-explanation">
      <header className="io-head">
        <h3>Why this cost</h3>
      </header>
      <div className="io-body">
        {view.kind === "provided" ? (
          <p>Provided by the client: the cost sent with the span is kept as it is (it wins over a computed one).</p>
        ) : view.kind === "none" ? (
          <p className="muted">{view.reason}</p>
        ) : (
          <>
            <p>
              Computed: <span className="mono">{view.model}</span> matched <strong>{view.matched}</strong>. {view.source}.
            </p>
            {view.tier !== null ? <p className="muted">{view.tier}</p> : null}
            <table className="keys" aria-label="Cost by token class">
              <thead>
                <tr>
                  <th>Token class</th>
                  <th className="num">Tokens</th>
                  <th className="num">Price</th>
                  <th className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr key={r.label}>
                    <td>
                      {r.label}
                      {r.note !== null ? <span className="muted small"> ({r.note})</span> : null}
                    </td>
                    <td className="num">{formatCount(r.tokens)}</td>
                    <td className="num">{formatRate(r.usdPerMillion)}</td>
                    <td className="num">{formatCost(r.costUsd)}</td>
                  </tr>
                ))}
                <tr>
                  <td>
                    <strong>Total</strong>
                  </td>
                  <td />
                  <td />
                  <td className="num">
                    <strong>{formatCost(view.totalUsd)}</strong>
                  </td>
                </tr>
              </tbody>
            </table>
          </>
        )}
      </div>
    </section>
  );
}
