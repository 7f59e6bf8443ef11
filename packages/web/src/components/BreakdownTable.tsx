import type { BreakdownRow } from "../model/dashboard-queries.js";
import { formatCost, formatCount, formatTokens } from "../model/format.js";

/**
 * A breakdown (by model, user, …) as a table with a bar of each row's share: of the cost when the
 * rows cost anything, else of the count. At most a hundred rows, so no virtualisation is needed.
 */
export function BreakdownTable({ title, label, rows, truncated }: { title: string; label: string; rows: readonly BreakdownRow[]; truncated: boolean }) {
  const byCost = rows.some((r) => r.cost > 0);
  const share = (r: BreakdownRow) => (byCost ? r.cost : r.count);
  const max = Math.max(0, ...rows.map(share));
  return (
    <section className="card breakdown" aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">No data in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{label}</th>
              <th className="num">Count</th>
              <th className="num">Tokens</th>
              <th className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label ?? "\u0000none"}>
                <td>
                  <div className="breakdown-label" title={r.label ?? "(none)"}>
                    {r.label ?? <span className="muted">(none)</span>}
                  </div>
                  <div className="breakdown-bar" style={{ width: `${max === 0 ? 0 : (100 * share(r)) / max}%` }} />
                </td>
                <td className="num">{formatCount(r.count)}</td>
                <td className="num">{formatTokens(r.tokens)}</td>
                <td className="num">{formatCost(r.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {truncated ? <p className="muted small">Showing the top {rows.length}.</p> : null}
    </section>
  );
}
