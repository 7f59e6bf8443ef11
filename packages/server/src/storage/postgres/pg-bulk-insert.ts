import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { PG_OBSERVATION_COLUMNS, PG_OBSERVATION_TYPES } from "./pg-rows.js";
import type { PgObservationRow } from "./pg-rows.js";

/** How observation rows reach the table. */
export interface BulkInsert {
  /** `copy` or `unnest`. */
  readonly method: BulkInsertMethod;
  /** Inserts the rows inside the caller's transaction. */
  insert(client: pg.ClientBase, rows: readonly PgObservationRow[]): Promise<void>;
}

/** The bulk insert methods (see `createBulkInsert`). */
export type BulkInsertMethod = "copy" | "unnest";

const COLUMN_LIST = PG_OBSERVATION_COLUMNS.join(", ");

/** Creates the bulk insert for a method. */
export function createBulkInsert(method: BulkInsertMethod): BulkInsert {
  return method === "copy" ? new CopyBulkInsert() : new UnnestBulkInsert();
}

/** One `INSERT ... SELECT FROM unnest($1::text[], ...)`: one round trip, one parameter per column. */
class UnnestBulkInsert implements BulkInsert {
  readonly method = "unnest";
  private readonly text: string;

  constructor() {
    const arrays = PG_OBSERVATION_COLUMNS.map((column, i) => `$${i + 1}::${PG_OBSERVATION_TYPES[column]}[]`);
    this.text = `INSERT INTO observations (${COLUMN_LIST}) SELECT * FROM unnest(${arrays.join(", ")})`;
  }

  async insert(client: pg.ClientBase, rows: readonly PgObservationRow[]): Promise<void> {
    if (rows.length === 0) return;
    const columns: unknown[][] = PG_OBSERVATION_COLUMNS.map(() => new Array<unknown>(rows.length));
    rows.forEach((row, r) => {
      for (let c = 0; c < columns.length; c++) (columns[c] as unknown[])[r] = row.values[c];
    });
    await client.query({ name: "observations-insert-unnest", text: this.text, values: columns });
  }
}

/** `COPY observations ... FROM STDIN` (text format): COPY parses rows faster than bound parameters. */
class CopyBulkInsert implements BulkInsert {
  readonly method = "copy";

  async insert(client: pg.ClientBase, rows: readonly PgObservationRow[]): Promise<void> {
    if (rows.length === 0) return;
    const stream = client.query(copyFrom(`COPY observations (${COLUMN_LIST}) FROM STDIN`));
    await pipeline(Readable.from(copyLines(rows)), stream);
  }
}

/** COPY text lines, ~64 rows per chunk. */
function* copyLines(rows: readonly PgObservationRow[]): Generator<string> {
  let chunk = "";
  for (let r = 0; r < rows.length; r++) {
    const values = (rows[r] as PgObservationRow).values;
    let line = "";
    for (let c = 0; c < values.length; c++) line += (c === 0 ? "" : "\t") + copyField(values[c]);
    chunk += line + "\n";
    if (r % 64 === 63) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  const text = String(value);
  return /[\\\n\r\t]/u.test(text) ? text.replace(/[\\\n\r\t]/gu, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t")) : text;
}
