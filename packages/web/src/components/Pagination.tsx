import { formatCount } from "../model/format.js";

/** Page controls for the list endpoints' `{ page, totalPages, totalItems }`. */
export function Pagination(props: { page: number; totalPages: number; totalItems: number; onPage: (page: number) => void }) {
  const { page, totalPages, totalItems, onPage } = props;
  return (
    <div className="pagination">
      <span className="muted">{formatCount(totalItems)} total</span>
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label="Previous page">
        ‹ Prev
      </button>
      <span>
        Page {formatCount(page)} of {formatCount(Math.max(1, totalPages))}
      </span>
      <button type="button" className="btn btn-small" disabled={page >= totalPages} onClick={() => onPage(page + 1)} aria-label="Next page">
        Next ›
      </button>
    </div>
  );
}
