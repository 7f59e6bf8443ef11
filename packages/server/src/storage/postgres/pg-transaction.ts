import { createHash } from "node:crypto";
import type pg from "pg";
import { isUnavailable } from "./pg-connection.js";

/** SQLSTATEs after which the whole transaction can simply run again. */
const RETRYABLE = new Set(["40P01", "40001"]);
/** Attempts of a transaction that keeps hitting deadlocks or serialization failures. */
const MAX_ATTEMPTS = 5;

/**
 * Runs `body` on one pooled connection. A connection that failed with an unavailability error is
 * destroyed rather than returned to the pool, so the pool reconnects when the database comes back.
 */
export async function withClient<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client whose connection drops also emits "error"; unheard, it would crash the
  // process. The failing query rejects anyway, so remembering the error is enough.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on("error", onError);
  try {
    return await body(client);
  } catch (error) {
    if (isUnavailable(error)) broken = error as Error;
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/**
 * Runs `body` in a transaction (READ COMMITTED) and commits; resolves only after COMMIT returned.
 * A deadlock or serialization failure rolls back and runs the body again (it must be repeatable:
 * it reads everything it decides on inside the transaction).
 */
export async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withClient(pool, async (client) => {
        await client.query("BEGIN");
        try {
          const result = await body(client);
          await client.query("COMMIT");
          return result;
        } catch (error) {
          if (!isUnavailable(error)) await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= MAX_ATTEMPTS || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
    }
  }
}

/**
 * A 64-bit advisory lock key for a named thing (`trace`, `session`, `user`) of a project. Locks
 * are taken in ascending key order, so two transactions never wait on each other in a cycle.
 */
export function lockKey(kind: string, projectId: string, id: string): bigint {
  return createHash("sha1").update(`${kind}\u0000${projectId}\u0000${id}`).digest().readBigInt64BE(0);
}

/** Takes transaction-scoped advisory locks on these keys, in ascending order, in one round trip. */
export async function lockAll(client: pg.ClientBase, keys: Iterable<bigint>): Promise<void> {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return;
  // unnest yields the array in order, and the function runs once per row as rows are produced.
  await client.query({ name: "lock-all", text: "SELECT pg_advisory_xact_lock(k) FROM unnest($1::int8[]) AS k", values: [sorted] });
}
