import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStore } from "@sightline/server";
import type { PostgresStoreOptions, PostgresTraceStore } from "@sightline/server";

/** The database the PostgreSQL tests use: `SIGHTLINE_TEST_DATABASE_URL`, else the local trust-auth server. */
export const TEST_PG_URL = process.env["SIGHTLINE_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** True under CI, where PostgreSQL must be there: the tests then fail instead of skipping. */
export const PG_REQUIRED = process.env["CI"] === "true";

/** Null when PostgreSQL answers at `TEST_PG_URL`, else why not. */
export async function postgresUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name, unique to this test run. */
export function freshSchema(): string {
  return `sightline_test_${randomBytes(6).toString("hex")}`;
}

/** Drops a schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Opens a migrated store in a schema of its own; closing it drops the schema, so tests never see
 * each other's data (nor a CI run's on the same server).
 */
export async function openTestPostgresStore(options: Partial<PostgresStoreOptions> = {}): Promise<PostgresTraceStore> {
  const schema = options.schema ?? freshSchema();
  const store = await openPostgresStore({ url: TEST_PG_URL, maxConnections: 4, ...options, schema });
  await store.migrate();
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await dropSchema(schema);
  };
  return store;
}
