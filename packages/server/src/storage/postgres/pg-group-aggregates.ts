import type pg from "pg";
import type { TraceSummary } from "../sqlite/group-aggregates.js";
import { lockAll, lockKey } from "./pg-transaction.js";

/** One `sessions` or `users` row, held in memory while a batch is applied. */
interface GroupRow {
  traceCount: number;
  firstStartNs: bigint;
  firstTraceId: string;
  lastNs: bigint;
  tokens: bigint;
  costPico: bigint;
  environment: string;
  /** `users` only. */
  sessionCount: number;
}

/** A trace's move from its old state to its new one (either may be null: created, deleted). */
export interface TraceChange {
  old: TraceSummary | null;
  next: TraceSummary | null;
}

type Row = Record<string, unknown>;

/**
 * The `sessions`, `users` and `user_sessions` aggregates of a batch of trace changes, in a fixed
 * number of statements whatever the batch size: the touched rows are read in one statement per
 * table (under advisory locks on every key, taken in key order, so no other transaction changes
 * them meanwhile), every change is folded into them in memory by the same rules as the SQLite
 * store (counts and sums by delta, first/last by min/max), and they are written back with one
 * upsert and one delete per table. Only a group whose first or last trace left or moved inward has
 * its bounds recomputed from the trace indexes (after the batch's traces were written, so the
 * recomputation sees their final state).
 */
export class PgGroupAggregates {
  /** Applies the changes; call after the traces themselves were written, inside the same transaction. */
  async apply(db: pg.ClientBase, projectId: string, changes: readonly TraceChange[]): Promise<void> {
    const sessionKeys = new Set<string>();
    const userKeys = new Set<string>();
    const pairKeys = new Set<string>();
    for (const { old, next } of changes) {
      for (const t of [old, next]) {
        if (t === null) continue;
        if (t.sessionId !== null) sessionKeys.add(t.sessionId);
        if (t.userId !== null) userKeys.add(t.userId);
        if (t.userId !== null && t.sessionId !== null) pairKeys.add(pairKey(t.userId, t.sessionId));
      }
    }
    if (sessionKeys.size === 0 && userKeys.size === 0) return;
    await lockAll(db, [...[...sessionKeys].map((k) => lockKey("session", projectId, k)), ...[...userKeys].map((k) => lockKey("user", projectId, k))]);
    const sessions = new GroupTable("sessions", "session_id", (t) => t.sessionId, await readGroups(db, "sessions", projectId, sessionKeys));
    const users = new GroupTable("users", "user_id", (t) => t.userId, await readGroups(db, "users", projectId, userKeys));
    const pairs = await readPairs(db, projectId, pairKeys);
    const pairsBefore = new Map([...pairs].map(([key, count]) => [key, count > 0]));
    for (const { old, next } of changes) {
      sessions.move(old, next);
      users.move(old, next);
      const oldPair = old?.userId != null && old.sessionId != null ? pairKey(old.userId, old.sessionId) : null;
      const newPair = next?.userId != null && next.sessionId != null ? pairKey(next.userId, next.sessionId) : null;
      if (oldPair === newPair) continue;
      if (oldPair !== null) pairs.set(oldPair, (pairs.get(oldPair) ?? 0) - 1);
      if (newPair !== null) pairs.set(newPair, (pairs.get(newPair) ?? 0) + 1);
    }
    for (const [key, count] of pairs) {
      const before = pairsBefore.get(key) ?? false;
      const now = count > 0;
      if (before !== now) users.addSessionCount(splitPair(key)[0], now ? 1 : -1);
    }
    await sessions.write(db, projectId);
    await users.write(db, projectId);
    await writePairs(db, projectId, pairs);
  }
}

/** One aggregate table's touched rows and the keys whose bounds must be recomputed. */
class GroupTable {
  private readonly dirty = new Set<string>();
  private readonly recompute = new Set<string>();

  constructor(
    private readonly table: "sessions" | "users",
    private readonly column: "session_id" | "user_id",
    private readonly keyOf: (t: TraceSummary) => string | null,
    private readonly rows: Map<string, GroupRow | null>,
  ) {}

  move(old: TraceSummary | null, next: TraceSummary | null): void {
    const oldKey = old === null ? null : this.keyOf(old);
    const newKey = next === null ? null : this.keyOf(next);
    if (old !== null && next !== null && oldKey !== null && oldKey === newKey) {
      this.update(oldKey, old, next);
      return;
    }
    if (old !== null && oldKey !== null) this.leave(oldKey, old);
    if (next !== null && newKey !== null) this.join(newKey, next);
  }

  addSessionCount(key: string, delta: number): void {
    const row = this.rows.get(key);
    if (row === undefined || row === null) return;
    row.sessionCount += delta;
    this.dirty.add(key);
  }

  private join(key: string, t: TraceSummary): void {
    this.dirty.add(key);
    const row = this.rows.get(key);
    if (row === undefined || row === null) {
      this.rows.set(key, {
        traceCount: 1,
        firstStartNs: t.startNs,
        firstTraceId: t.id,
        lastNs: t.lastNs,
        tokens: BigInt(t.tokens),
        costPico: t.costPico,
        environment: t.environment,
        sessionCount: 0,
      });
      return;
    }
    row.traceCount += 1;
    row.tokens += BigInt(t.tokens);
    row.costPico += t.costPico;
    if (t.lastNs > row.lastNs) row.lastNs = t.lastNs;
    if (t.startNs < row.firstStartNs || (t.startNs === row.firstStartNs && t.id < row.firstTraceId)) {
      row.firstStartNs = t.startNs;
      row.firstTraceId = t.id;
      row.environment = t.environment;
    }
  }

  private leave(key: string, t: TraceSummary): void {
    const row = this.rows.get(key);
    if (row === undefined || row === null) return;
    this.dirty.add(key);
    if (row.traceCount <= 1) {
      this.rows.set(key, null);
      this.recompute.delete(key);
      return;
    }
    row.traceCount -= 1;
    row.tokens -= BigInt(t.tokens);
    row.costPico -= t.costPico;
    if (row.firstTraceId === t.id || t.lastNs >= row.lastNs) this.recompute.add(key);
  }

  private update(key: string, old: TraceSummary, next: TraceSummary): void {
    const row = this.rows.get(key);
    if (row === undefined || row === null) {
      this.join(key, next);
      return;
    }
    this.dirty.add(key);
    row.tokens += BigInt(next.tokens - old.tokens);
    row.costPico += next.costPico - old.costPico;
    const beforeFirst = next.startNs < row.firstStartNs || (next.startNs === row.firstStartNs && next.id < row.firstTraceId);
    if (beforeFirst || (row.firstTraceId === next.id && next.startNs <= old.startNs)) {
      row.firstStartNs = next.startNs;
      row.firstTraceId = next.id;
      row.environment = next.environment;
    } else if (row.firstTraceId === next.id) {
      this.recompute.add(key);
    }
    if (next.lastNs >= row.lastNs) row.lastNs = next.lastNs;
    else if (old.lastNs >= row.lastNs) this.recompute.add(key);
  }

  async write(db: pg.ClientBase, projectId: string): Promise<void> {
    const keys = [...this.recompute].filter((key) => this.rows.get(key) != null);
    if (keys.length > 0) {
      const bounds = await db.query<Row>({
        name: `${this.table}-bounds`,
        text: `SELECT DISTINCT ON (${this.column}) ${this.column} AS key, id, start_ns, environment,
            max(greatest(start_ns, coalesce(end_ns, start_ns))) OVER (PARTITION BY ${this.column}) AS last
          FROM traces WHERE project_id = $1 AND ${this.column} = ANY($2::text[]) ORDER BY ${this.column}, start_ns, id`,
        values: [projectId, keys],
      });
      for (const bound of bounds.rows) {
        const row = this.rows.get(bound["key"] as string);
        if (row === undefined || row === null) continue;
        row.firstStartNs = bound["start_ns"] as bigint;
        row.firstTraceId = bound["id"] as string;
        row.environment = bound["environment"] as string;
        row.lastNs = bound["last"] as bigint;
      }
    }
    const upserts: Array<[string, GroupRow]> = [];
    const deletes: string[] = [];
    for (const key of this.dirty) {
      const row = this.rows.get(key);
      if (row === null) deletes.push(key);
      else if (row !== undefined) upserts.push([key, row]);
    }
    if (deletes.length > 0) {
      await db.query({ name: `${this.table}-delete`, text: `DELETE FROM ${this.table} WHERE project_id = $1 AND id = ANY($2::text[])`, values: [projectId, deletes] });
    }
    if (upserts.length === 0) return;
    const sessionCount = this.table === "users";
    const col = <T>(pick: (row: GroupRow) => T) => upserts.map(([, row]) => pick(row));
    await db.query({
      name: `${this.table}-upsert`,
      text: `INSERT INTO ${this.table} (project_id, id, trace_count, first_start_ns, first_trace_id, last_ns, total_tokens, total_cost_pico, environment${sessionCount ? ", session_count" : ""})
        SELECT $1, * FROM unnest($2::text[], $3::int4[], $4::int8[], $5::text[], $6::int8[], $7::int8[], $8::int8[], $9::text[]${sessionCount ? ", $10::int4[]" : ""})
        ON CONFLICT (project_id, id) DO UPDATE SET trace_count = excluded.trace_count, first_start_ns = excluded.first_start_ns,
          first_trace_id = excluded.first_trace_id, last_ns = excluded.last_ns, total_tokens = excluded.total_tokens,
          total_cost_pico = excluded.total_cost_pico, environment = excluded.environment${sessionCount ? ", session_count = excluded.session_count" : ""}`,
      values: [
        projectId,
        upserts.map(([key]) => key),
        col((r) => r.traceCount),
        col((r) => r.firstStartNs),
        col((r) => r.firstTraceId),
        col((r) => r.lastNs),
        col((r) => r.tokens),
        col((r) => r.costPico),
        col((r) => r.environment),
        ...(sessionCount ? [col((r) => r.sessionCount)] : []),
      ],
    });
  }
}

async function readGroups(db: pg.ClientBase, table: "sessions" | "users", projectId: string, keys: Set<string>): Promise<Map<string, GroupRow | null>> {
  const rows = new Map<string, GroupRow | null>();
  if (keys.size === 0) return rows;
  const result = await db.query<Row>({
    name: `${table}-read-many`,
    text: `SELECT id, trace_count, first_start_ns, first_trace_id, last_ns, total_tokens, total_cost_pico, environment${table === "users" ? ", session_count" : ""}
      FROM ${table} WHERE project_id = $1 AND id = ANY($2::text[])`,
    values: [projectId, [...keys]],
  });
  for (const row of result.rows) {
    rows.set(row["id"] as string, {
      traceCount: Number(row["trace_count"]),
      firstStartNs: row["first_start_ns"] as bigint,
      firstTraceId: row["first_trace_id"] as string,
      lastNs: row["last_ns"] as bigint,
      tokens: row["total_tokens"] as bigint,
      costPico: row["total_cost_pico"] as bigint,
      environment: row["environment"] as string,
      sessionCount: Number(row["session_count"] ?? 0),
    });
  }
  return rows;
}

async function readPairs(db: pg.ClientBase, projectId: string, keys: Set<string>): Promise<Map<string, number>> {
  const pairs = new Map<string, number>();
  if (keys.size === 0) return pairs;
  const split = [...keys].map(splitPair);
  const result = await db.query<Row>({
    name: "user-sessions-read-many",
    text: `SELECT p.user_id, p.session_id, p.trace_count FROM user_sessions p
      JOIN unnest($2::text[], $3::text[]) AS k(user_id, session_id) ON p.user_id = k.user_id AND p.session_id = k.session_id
      WHERE p.project_id = $1`,
    values: [projectId, split.map((p) => p[0]), split.map((p) => p[1])],
  });
  for (const row of result.rows) pairs.set(pairKey(row["user_id"] as string, row["session_id"] as string), Number(row["trace_count"]));
  return pairs;
}

async function writePairs(db: pg.ClientBase, projectId: string, pairs: Map<string, number>): Promise<void> {
  const keep = [...pairs].filter(([, count]) => count > 0).map(([key, count]) => [...splitPair(key), count] as const);
  const drop = [...pairs].filter(([, count]) => count <= 0).map(([key]) => splitPair(key));
  if (drop.length > 0) {
    await db.query({
      name: "user-sessions-delete",
      text: `DELETE FROM user_sessions p USING unnest($2::text[], $3::text[]) AS k(user_id, session_id)
        WHERE p.project_id = $1 AND p.user_id = k.user_id AND p.session_id = k.session_id`,
      values: [projectId, drop.map((p) => p[0]), drop.map((p) => p[1])],
    });
  }
  if (keep.length > 0) {
    await db.query({
      name: "user-sessions-upsert",
      text: `INSERT INTO user_sessions (project_id, user_id, session_id, trace_count)
        SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int4[])
        ON CONFLICT (project_id, user_id, session_id) DO UPDATE SET trace_count = excluded.trace_count`,
      values: [projectId, keep.map((p) => p[0]), keep.map((p) => p[1]), keep.map((p) => p[2])],
    });
  }
}

function pairKey(userId: string, sessionId: string): string {
  return `${userId}\u0000${sessionId}`;
}

function splitPair(key: string): [string, string] {
  const at = key.indexOf("\u0000");
  return [key.slice(0, at), key.slice(at + 1)];
}
