import { useVirtualizer } from "@tanstack/react-virtual";
import type { ReactNode } from "react";
import { useRef } from "react";

/** A column of {@link DataTable}. */
export interface Column<T> {
  readonly key: string;
  readonly header: string;
  /** A CSS grid track, e.g. `160px` or `minmax(120px, 1fr)`. */
  readonly width: string;
  readonly render: (row: T) => ReactNode;
  /** The `orderBy` field this column sorts by, if sortable. */
  readonly sortField?: string;
  readonly align?: "left" | "right";
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  readonly columns: readonly Column<T>[];
  readonly rows: readonly T[];
  readonly rowKey: (row: T) => string;
  readonly onRowClick?: (row: T) => void;
  /** `field.asc|desc` of the current sort. */
  readonly orderBy?: string;
  readonly onSort?: (orderBy: string) => void;
  /** Row ids to highlight (e.g. traces that just arrived). */
  readonly highlighted?: ReadonlySet<string>;
  readonly label: string;
}

const ROW_HEIGHT = 38;

/**
 * A virtualised table (CSS grid rows inside one scroll container): only the rows on screen are in
 * the DOM, so a page of 1,000 observations scrolls as smoothly as one of 20.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, onRowClick, orderBy, onSort, highlighted, label } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const template = columns.map((c) => c.width).join(" ");
  const [sortField, sortDir] = (orderBy ?? "").split(".");

  return (
    <div className="table" role="table" aria-label={label} aria-rowcount={rows.length}>
      <div className="table-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => {
          const sorted = c.sortField !== undefined && c.sortField === sortField;
          const next = sorted && sortDir === "desc" ? "asc" : "desc";
          return (
            <div key={c.key} role="columnheader" className={`cell ${c.align === "right" ? "right" : ""}`} aria-sort={sorted ? (sortDir === "asc" ? "ascending" : "descending") : undefined}>
              {c.sortField !== undefined && onSort !== undefined ? (
                <button type="button" className={`sort ${sorted ? "active" : ""}`} onClick={() => onSort(`${c.sortField ?? ""}.${next}`)}>
                  {c.header}
                  <span className="sort-arrow">{sorted ? (sortDir === "asc" ? "▲" : "▼") : "↕"}</span>
                </button>
              ) : (
                c.header
              )}
            </div>
          );
        })}
      </div>
      <div className="table-body" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            const key = rowKey(row);
            return (
              <div
                key={key}
                role="row"
                data-row-key={key}
                className={`table-row ${onRowClick !== undefined ? "clickable" : ""} ${highlighted?.has(key) === true ? "fresh" : ""}`}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={onRowClick === undefined ? undefined : () => onRowClick(row)}
              >
                {columns.map((c) => (
                  <div key={c.key} role="cell" className={`cell ${c.align === "right" ? "right num" : ""}`}>
                    {c.render(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
