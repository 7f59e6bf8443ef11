import { test } from "node:test";
import { runTraceStoreContract } from "./support/trace-store-contract.js";
import { PG_REQUIRED, TEST_PG_URL, openTestPostgresStore, postgresUnreachable } from "./support/postgres.js";

const unreachable = await postgresUnreachable();
if (unreachable !== null && !PG_REQUIRED) {
  test("TraceStore contract (postgres)", (t) => {
    t.skip(`PostgreSQL not reachable at ${TEST_PG_URL} (${unreachable}); set SIGHTLINE_TEST_DATABASE_URL or start it`);
  });
} else {
  runTraceStoreContract("postgres", () => openTestPostgresStore());
}
