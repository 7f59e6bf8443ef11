import type pg from "pg";
import { inTransaction } from "./pg-transaction.js";

/** Nanoseconds in one UTC day: the partition width. */
export const NS_PER_DAY = 86_400_000_000_000n;

/** Options of the partition manager. */
export interface PartitionOptions {
  /** Days before today that get their own partition; older times go to the DEFAULT partition. */
  pastDays: number;
  /** Days after today that get their own partition (clock skew, scheduled spans). */
  futureDays: number;
}

/** Default window: a bit more than a year back (covers a 365-day retention), a week ahead. */
export const DEFAULT_PARTITION_OPTIONS: PartitionOptions = { pastDays: 400, futureDays: 7 };

/** The day number (days since the epoch, UTC) of a nanosecond time. */
export function dayOf(ns: bigint): bigint {
  return ns >= 0n ? ns / NS_PER_DAY : -((-ns + NS_PER_DAY - 1n) / NS_PER_DAY);
}

/** The partition table name of a day, e.g. `observations_d20260101`. */
export function partitionName(day: bigint, table: PartitionedTable = "observations"): string {
  const date = new Date(Number(day) * 86_400_000);
  const yyyy = String(date.getUTCFullYear()).padStart(4, "0");
  const mm = String(date.getUTCMonth() + 1).padStart(2, "0");
  const dd = String(date.getUTCDate()).padStart(2, "0");
  return `${table}_d${yyyy}${mm}${dd}`;
}

/** The tables partitioned by day. */
export type PartitionedTable = "observations";

/** Every partitioned table, in the order their partitions are created and dropped. */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = ["observations"];

/**
 * Creates the daily partitions of `observations` on demand, before the ingest transaction that
 * needs them (DDL inside it would hold the parent's lock for the whole transaction). Days outside
 * the window stay in the DEFAULT partition, so a client sending odd timestamps cannot create
 * thousands of tables. Several processes may create the same day at once: an advisory lock
 * serialises creation, and `IF NOT EXISTS` makes it idempotent. A day whose rows already sit in
 * the DEFAULT partition (it was outside the window when they arrived) keeps using it.
 */
export class PartitionManager {
  private readonly known = new Set<bigint>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PartitionOptions = DEFAULT_PARTITION_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes sure every day of these start times inside the window has its partition. */
  async ensureFor(startTimesNs: Iterable<bigint>): Promise<void> {
    const today = BigInt(Math.floor(this.now() / 86_400_000));
    const missing = new Set<bigint>();
    for (const ns of startTimesNs) {
      const day = dayOf(ns);
      if (this.known.has(day) || missing.has(day)) continue;
      if (day < today - BigInt(this.options.pastDays) || day > today + BigInt(this.options.futureDays)) {
        this.known.add(day);
        continue;
      }
      missing.add(day);
    }
    for (const day of [...missing].sort((a, b) => (a < b ? -1 : 1))) await this.create(day);
  }

  /** Forgets what exists (after partitions were dropped). */
  forget(day?: bigint): void {
    if (day === undefined) this.known.clear();
    else this.known.delete(day);
  }

  private async create(day: bigint): Promise<void> {
    const from = day * NS_PER_DAY;
    const bounds = `FOR VALUES FROM (${from}) TO (${from + NS_PER_DAY})`;
    try {
      await inTransaction(this.pool, async (client) => {
        await client.query("SET LOCAL lock_timeout = '10s'");
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended('sightline-partition', 0))");
        for (const table of PARTITIONED_TABLES) {
          await client.query(`CREATE TABLE IF NOT EXISTS ${partitionName(day, table)} PARTITION OF ${table} ${bounds}`);
        }
      });
      this.known.add(day);
    } catch (error) {
      // 23514: rows of that day are already in the DEFAULT partition; they stay there.
      if ((error as { code?: string }).code === "23514") this.known.add(day);
      else throw error;
    }
  }
}
