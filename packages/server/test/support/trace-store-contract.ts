import { describe } from "node:test";
import type { TraceStore } from "@sightline/server";
import { describeCostContract } from "./contract/cost-contract.js";
import { describeDeletionContract } from "./contract/deletion-contract.js";
import { describeDerivationContract } from "./contract/derivation-contract.js";
import { describePreparedObservationContract } from "./contract/prepared-observation-contract.js";
import { describeIsolationContract } from "./contract/isolation-contract.js";
import { describeKeysContract } from "./contract/keys-contract.js";
import { describeMetricsContract } from "./contract/metrics-contract.js";
import { describeObservationQueryContract } from "./contract/observation-query-contract.js";
import { describeRollupContract } from "./contract/rollup-contract.js";
import { describeSearchContract } from "./contract/search-contract.js";
import { describeSessionUserContract } from "./contract/session-user-contract.js";
import { describeTraceQueryContract } from "./contract/trace-query-contract.js";

/** Opens a fresh, empty, migrated store. */
export type OpenStore = () => Promise<TraceStore>;

/**
 * The behaviour every `TraceStore` implementation must have, as one suite to run against each
 * (SQLite now, Postgres later), in the spirit of Kysely's `for (const dialect of DIALECTS)`.
 * Every test opens its own empty store through `open` and closes it.
 *
 * @example runTraceStoreContract("sqlite", () => openSqliteStore({ file: ":memory:" }));
 */
export function runTraceStoreContract(name: string, open: OpenStore): void {
  describe(`TraceStore contract (${name})`, () => {
    describeKeysContract(open);
    describeDerivationContract(open);
    describePreparedObservationContract(open);
    describeTraceQueryContract(open);
    describeObservationQueryContract(open);
    describeSessionUserContract(open);
    describeSearchContract(open);
    describeIsolationContract(open);
    describeDeletionContract(open);
    describeCostContract(open);
    describeMetricsContract(open);
    describeRollupContract(open);
  });
}
