import type pg from "pg";
import { SEARCH_CONFIG, searchTextOfStored } from "./pg-search.js";
import { inTransaction } from "./pg-transaction.js";
import { PgBackgroundLoop } from "./pg-background-loop.js";

/** Options of the background full-text indexer. */
export interface PgSearchIndexerOptions {
  /** How often it looks for queued observations. Default `DEFAULT_PG_SEARCH_INTERVAL_MILLIS`. */
  intervalMillis?: number;
  /** Observations per indexing transaction. Default `DEFAULT_PG_SEARCH_BATCH_ROWS`. */
  batchRows?: number;
}

/** The indexer's polling period. */
export const DEFAULT_PG_SEARCH_INTERVAL_MILLIS = 200;
/** Observations per indexing transaction. */
export const DEFAULT_PG_SEARCH_BATCH_ROWS = 512;

type Row = Record<string, unknown>;

/**
 * Keeps `observation_search` in step with `observations`, OFF the acknowledgement path: computing
 * tsvectors and maintaining their GIN index costs about as much as the rest of an ingest
 * transaction (measured: ~30 ms of 70 ms per 512-span batch), so the ingest only appends the
 * span's key to `search_queue`. Any number of server processes index concurrently: each takes
 * queue rows with `FOR UPDATE SKIP LOCKED`, and removing them commits together with their index
 * rows, so a crash leaves them queued. A replaced span is queued again: its old text is removed and
 * the new one indexed. A search first indexes what is queued for its project (`flush`), so data is
 * findable as soon as it is acknowledged.
 */
export class PgSearchIndexer {
  private readonly batchRows: number;
  private readonly loop: PgBackgroundLoop;

  constructor(
    private readonly pool: pg.Pool,
    options: PgSearchIndexerOptions = {},
    onError: (error: unknown) => void = () => {},
  ) {
    this.batchRows = options.batchRows ?? DEFAULT_PG_SEARCH_BATCH_ROWS;
    this.loop = new PgBackgroundLoop(() => this.indexOnce(), options.intervalMillis ?? DEFAULT_PG_SEARCH_INTERVAL_MILLIS, onError);
  }

  /** Starts polling (the timer does not keep the process alive). */
  start(): void {
    this.loop.start();
  }

  /** Stops polling and waits for a run in progress. Queued rows stay queued (durably). */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Indexes what is queued (for one project, or all) until the queue is empty or `maxRows` were
   * done. Rows another indexer (this process's timer or another process) is indexing right now are
   * skipped by the fast passes and then WAITED for, so that when this resolves every row queued
   * before the call is searchable: a search that ran while a background batch was in flight
   * could otherwise miss just-acknowledged data.
   */
  async flush(projectId?: string, maxRows = Number.POSITIVE_INFINITY): Promise<number> {
    let total = 0;
    for (;;) {
      let done = await this.indexOnce(projectId);
      // Nothing left that is free: wait for batches in flight elsewhere, taking what they leave.
      if (done === 0) done = await this.indexOnce(projectId, { waitForLocked: true });
      total += done;
      if (done === 0 || total >= maxRows) return total;
    }
  }

  /** Observations queued and not yet indexed. */
  async backlog(): Promise<number> {
    const result = await this.pool.query<{ n: bigint }>("SELECT count(*) AS n FROM search_queue");
    return Number(result.rows[0]?.n ?? 0n);
  }

  /** One transaction: takes up to `batchRows` queued keys, replaces their index rows. Returns the keys handled. */
  async indexOnce(projectId?: string, options: { waitForLocked?: boolean } = {}): Promise<number> {
    // SKIP LOCKED lets concurrent indexers share the queue without waiting; a blocking pass
    // (waitForLocked) waits for rows being indexed elsewhere, whose deletion then skips them.
    const wait = options.waitForLocked === true;
    return inTransaction(this.pool, async (client) => {
      const picked = await client.query<Row>({
        name: `search-queue-take${projectId === undefined ? "" : "-project"}${wait ? "-wait" : ""}`,
        text: `WITH picked AS (SELECT seq FROM search_queue ${projectId === undefined ? "" : "WHERE project_id = $2"}
            ORDER BY seq LIMIT $1 FOR UPDATE${wait ? "" : " SKIP LOCKED"})
          DELETE FROM search_queue q USING picked WHERE q.seq = picked.seq RETURNING q.project_id, q.trace_id, q.id, q.start_ns`,
        values: projectId === undefined ? [this.batchRows] : [this.batchRows, projectId],
      });
      if (picked.rows.length === 0) return 0;
      const keys = picked.rows;
      const column = (name: string) => keys.map((row) => row[name]);
      let minStart = keys[0]?.["start_ns"] as bigint;
      let maxStart = minStart;
      for (const row of keys) {
        const start = row["start_ns"] as bigint;
        if (start < minStart) minStart = start;
        if (start > maxStart) maxStart = start;
      }
      const keyArrays = [column("project_id"), column("trace_id"), column("id")];
      // Old text of these spans goes, wherever it was (a replaced span may have moved in time).
      await client.query({
        name: "search-delete-old",
        text: `DELETE FROM observation_search s USING unnest($1::text[], $2::text[], $3::text[]) AS k(project_id, trace_id, id)
          WHERE s.project_id = k.project_id AND s.id = k.id AND s.trace_id = k.trace_id`,
        values: keyArrays,
      });
      const stored = await client.query<Row>({
        name: "search-read-observations",
        text: `SELECT DISTINCT ON (o.project_id, o.id, o.trace_id) o.project_id, o.trace_id, o.id, o.start_ns, o.input, o.output, o.trace_input, o.trace_output
          FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS k(project_id, trace_id, id, start_ns)
          JOIN observations o ON o.project_id = k.project_id AND o.id = k.id AND o.trace_id = k.trace_id AND o.start_ns = k.start_ns
          WHERE o.start_ns >= $5 AND o.start_ns <= $6`,
        values: [...keyArrays, column("start_ns"), minStart, maxStart],
      });
      const rows: Array<[string, string, string, bigint, string]> = [];
      for (const row of stored.rows) {
        const text = searchTextOfStored([row["input"], row["output"], row["trace_input"], row["trace_output"]] as Array<string | null>);
        if (text !== null) rows.push([row["project_id"] as string, row["trace_id"] as string, row["id"] as string, row["start_ns"] as bigint, text]);
      }
      if (rows.length > 0) {
        await client.query({
          name: "search-insert",
          text: `INSERT INTO observation_search (project_id, trace_id, id, start_ns, search)
            SELECT k.project_id, k.trace_id, k.id, k.start_ns, to_tsvector('${SEARCH_CONFIG}', k.text)
            FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[]) AS k(project_id, trace_id, id, start_ns, text)
            ON CONFLICT DO NOTHING`,
          values: [0, 1, 2, 3, 4].map((i) => rows.map((row) => row[i])),
        });
      }
      return keys.length;
    });
  }
}
