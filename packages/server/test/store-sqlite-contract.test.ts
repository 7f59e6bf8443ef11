import { openSqliteStore } from "@sightline/server";
import { runTraceStoreContract } from "./support/trace-store-contract.js";

runTraceStoreContract("sqlite, in memory", () => openSqliteStore({ file: ":memory:" }));
