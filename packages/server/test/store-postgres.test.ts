import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { ConfigError } from "@sightline/core";
import { PG_SCHEMA_VERSION, StoreUnavailableError, openPostgresStore, parsePostgresUrl, partitionName } from "@sightline/server";
import type { ObservationRecord, PostgresTraceStore, TraceStore } from "@sightline/server";
import { BASE_NS, hexId, observation, randomBatches, realisticTrace, seededRandom, shuffled, withoutWriteTimes } from "./support/store-fixtures.js";
import { PG_REQUIRED, TEST_PG_URL, dropSchema, freshSchema, openTestPostgresStore, postgresUnreachable } from "./support/postgres.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { downgradePgToSchema5, downgradePgToSchema6 } from "./support/postgres-downgrade.js";

const PROJECT = "project-a";
const OTHER = "project-b";
const DAY = 86_400_000_000_000n;
const unreachable = await postgresUnreachable();
const skip = unreachable !== null && !PG_REQUIRED ? `PostgreSQL not reachable at ${TEST_PG_URL} (${unreachable})` : false;

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Everything derived for some traces, without write times. */
async function snapshot(store: TraceStore, traceIds: readonly string[]) {
  const traces = [];
  for (const id of traceIds) traces.push({ trace: withoutWriteTimes(await store.getTrace(PROJECT, id)), observations: await store.getTraceObservations(PROJECT, id) });
  return {
    traces,
    sessions: (await store.listSessions(PROJECT, { page: 1, limit: 100 })).data,
    users: (await store.listUsers(PROJECT, { page: 1, limit: 100 })).data,
    observationCount: (await store.listObservations(PROJECT, { page: 1, limit: 1 })).meta.totalItems,
  };
}

describe("PostgresTraceStore", { skip }, () => {
  describe("connecting", () => {
    it("refuses an unreachable database at start with a ConfigError naming host, port and database but not the password", async () => {
      const error = await openPostgresStore({ url: "postgres://sightline:s3cret-pw@127.0.0.1:1/tracedb", connectTimeoutMillis: 1_000 }).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /127\.0\.0\.1:1\/tracedb as sightline/);
      assert.doesNotMatch(error.message, /s3cret-pw/);
    });

    it("refuses a URL that is not a postgres:// URL, and a schema name that is not a plain identifier", () => {
      assert.throws(() => parsePostgresUrl("not a url"), ConfigError);
      assert.throws(() => parsePostgresUrl("mysql://localhost/db"), /expected a postgres:\/\/ URL/);
      assert.throws(() => parsePostgresUrl("postgres://localhost/db?schema=a;drop"), /Invalid schema/);
      assert.equal(parsePostgresUrl("postgresql://u:p@db.internal:6543/app?schema=tenant_1").schema, "tenant_1");
      assert.equal(parsePostgresUrl("postgres://u@h/app?options=-c%20search_path%3Dother").schema, "other");
      assert.doesNotMatch(parsePostgresUrl("postgres://u:pw@h/app").description, /pw/);
    });

    it("creates its tables in the schema the URL names", async () => {
      const schema = freshSchema();
      const store = await openPostgresStore({ url: `${TEST_PG_URL}?schema=${schema}` });
      try {
        await store.migrate();
        const tables = await admin((c) => c.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'traces'", [schema]));
        assert.equal(tables.rows[0]?.n, "1");
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });

    it("migrates once when several processes start at the same time", async () => {
      const schema = freshSchema();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: TEST_PG_URL, schema })));
      try {
        await Promise.all(stores.map((s) => s.migrate()));
        const versions = await admin((c) => c.query<{ version: number }>(`SELECT version FROM "${schema}".sightline_schema_version`));
        assert.deepEqual(versions.rows, [{ version: PG_SCHEMA_VERSION }]);
        await stores[0]?.ensureProject({ id: PROJECT, name: "A" });
        assert.equal((await stores[3]?.listProjects())?.length, 1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await dropSchema(schema);
      }
    });
  });

  describe("several writers on one database", () => {
    it("assembles spans of the same traces sent concurrently through two stores, with retries on the other, into the traces one store derives", async () => {
      const random = seededRandom(99);
      const traces = Array.from({ length: 6 }, (_, i) =>
        realisticTrace(random, {
          traceId: hexId(0xabc000 + i, 32),
          size: 40,
          startNs: BASE_NS + BigInt(i) * 1_000_000_000n,
          userId: `user-${i % 2}`,
          sessionId: `session-${i % 3}`,
          tags: [`t${i % 2}`],
        }),
      );
      const all = traces.flat();
      const ids = traces.map((t) => (t[0] as ObservationRecord).traceId);
      const reference = await openTestPostgresStore();
      let expected: unknown;
      try {
        await reference.ensureProject({ id: PROJECT, name: "A" });
        await reference.insertObservations(PROJECT, all);
        expected = await snapshot(reference, ids);
      } finally {
        await reference.close();
      }
      for (let round = 0; round < 3; round++) {
        const schema = freshSchema();
        const first = await openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 4 });
        const second = await openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 4 });
        try {
          await first.migrate();
          await second.migrate();
          await first.ensureProject({ id: PROJECT, name: "A" });
          const batches = randomBatches(random, shuffled(random, all), 25);
          // Every batch goes to one store; a third of them is retried against the other one.
          await Promise.all(
            batches.map(async (batch, i) => {
              const [target, other] = i % 2 === 0 ? [first, second] : [second, first];
              await target.insertObservations(PROJECT, batch);
              if (i % 3 === 0) await other.insertObservations(PROJECT, batch);
            }),
          );
          assert.deepEqual(await snapshot(first, ids), expected, `round ${round}`);
        } finally {
          await first.close();
          await second.close();
          await dropSchema(schema);
        }
      }
    });
  });

  describe("partitions and retention", () => {
    let store: PostgresTraceStore;
    const now = BigInt(Date.now()) * 1_000_000n;
    const today = (now / DAY) * DAY;

    before(async () => {
      store = await openTestPostgresStore();
      await store.ensureProject({ id: PROJECT, name: "A" });
      await store.ensureProject({ id: OTHER, name: "B" });
    });
    after(async () => {
      await store.close();
    });

    async function partitionOf(observationId: string): Promise<string> {
      const schema = store.target.schema;
      const result = await admin((c) => c.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM "${schema}".observations WHERE id = $1`, [observationId]));
      return (result.rows[0]?.p ?? "").replace(`${schema}.`, "");
    }

    it("stores observations in daily partitions, and times far outside the window in the default partition", async () => {
      await store.insertObservations(PROJECT, [
        observation({ id: hexId(1, 16), traceId: hexId(1, 32), startTimeNs: today + 5n }),
        observation({ id: hexId(2, 16), traceId: hexId(2, 32), startTimeNs: 9_007_199_254_740_993_123n }),
      ]);
      assert.equal(await partitionOf(hexId(1, 16)), partitionName(today / DAY));
      assert.equal(await partitionOf(hexId(2, 16)), "observations_default");
    });

    it("deletes a trace and a session with their observations, sessions and users", async () => {
      const chat = (n: number, sessionId: string) =>
        observation({ id: hexId(100 + n, 16), traceId: hexId(100 + n, 32), startTimeNs: today + BigInt(n), trace: { userId: "carol", sessionId } });
      await store.insertObservations(PROJECT, [chat(1, "s1"), chat(2, "s1"), chat(3, "s2")]);
      assert.equal(await store.deleteTrace(PROJECT, hexId(103, 32)), true);
      assert.equal(await store.deleteTrace(PROJECT, hexId(103, 32)), false, "already gone");
      assert.equal(await store.getTrace(PROJECT, hexId(103, 32)), null);
      assert.equal(await store.getObservation(PROJECT, hexId(103, 16)), null);
      assert.equal(await store.getSession(PROJECT, "s2"), null);
      const carol = (await store.listUsers(PROJECT, { page: 1, limit: 10, userId: "carol" })).data[0];
      assert.deepEqual([carol?.traceCount, carol?.sessionCount], [2, 1]);
      assert.equal(await store.deleteSession(PROJECT, "s1"), 2);
      assert.equal(await store.getSession(PROJECT, "s1"), null);
      assert.equal((await store.listUsers(PROJECT, { page: 1, limit: 10, userId: "carol" })).meta.totalItems, 0);
    });

    it("finds an observation by its words as soon as it is stored, a 5 MB input by its first words, and nothing for punctuation", async () => {
      const huge = `walrus ${Array.from({ length: 500_000 }, (_, i) => `w${i.toString(36)}`).join(" ")}`;
      await store.insertObservations(PROJECT, [
        observation({ id: hexId(911, 16), traceId: hexId(911, 32), startTimeNs: today + 11n, input: { text: huge } }),
        observation({ id: hexId(912, 16), traceId: hexId(912, 32), startTimeNs: today + 12n, output: "Café CRÈME, naïve!" }),
      ]);
      const found = async (text: string) => (await store.listTraces(PROJECT, { page: 1, limit: 5, search: text })).data.map((t) => t.id);
      assert.deepEqual(await found("walrus"), [hexId(911, 32)], "no indexer to wait for");
      assert.deepEqual(await found("cafe creme"), [hexId(912, 32)], "case and accents folded");
      assert.deepEqual(await found("NAÏV"), [hexId(912, 32)], "the last word as a prefix");
      assert.deepEqual(await found("!!! ((("), [], "text without a word matches nothing");
      assert.equal(await store.searchBacklog(), 0);
    });

    it("finds words only older observations hold, beyond the newest window: a rare word, its prefix, an absent word, and a word past the match cap", async () => {
      const searchStore = await openTestPostgresStore();
      try {
        await searchStore.ensureProject({ id: PROJECT, name: "A" });
        // 12,000 one-span traces over the last 40 days; the newest 10,000 (PG_SEARCH_WINDOW) say only "filler".
        const total = 12_000;
        const startOf = (i: number) => today - 40n * DAY + (BigInt(i) * 40n * DAY) / BigInt(total);
        const rare = new Set([3, 701, 1_901]);
        const text = (i: number) => (rare.has(i) ? "filler ozelot" : i < 2_000 && i % 2 === 0 ? "filler tapir" : "filler");
        for (let from = 0; from < total; from += 1_000) {
          await searchStore.insertObservations(
            PROJECT,
            Array.from({ length: 1_000 }, (_, k) => from + k).map((i) =>
              observation({ id: hexId(50_000 + i, 16), traceId: hexId(50_000 + i, 32), startTimeNs: startOf(i), endTimeNs: startOf(i) + 1_000n, input: text(i) }),
            ),
          );
        }
        const found = async (words: string, limit = 5) => (await searchStore.listTraces(PROJECT, { page: 1, limit, search: words })).data.map((t) => t.id);
        const newestRare = [1_901, 701, 3].map((i) => hexId(50_000 + i, 32));
        assert.deepEqual(await found("ozelot"), newestRare, "every match of a rare old word, newest first");
        assert.deepEqual(await found("ozel"), newestRare, "the last word as a prefix");
        assert.deepEqual(await found("ozelot "), newestRare, "a finished word");
        assert.deepEqual(await found("zebra"), [], "an absent word");
        // tapir: 1,000 old matches, all found; with filler it is the same set.
        const tapir = Array.from({ length: 1_000 }, (_, k) => 1_998 - 2 * k).map((i) => hexId(50_000 + i, 32));
        assert.deepEqual(await found("tapir", 100), tapir.slice(0, 100));
        assert.deepEqual(await found("filler tapi", 100), tapir.slice(0, 100));
        const all = await searchStore.listTraces(PROJECT, { page: 1, limit: 100, search: "tapir" });
        assert.equal(all.meta.totalItems, 1_000);
        // filler: in every row, so the newest window alone holds the cap (2,000 matches).
        const filler = await searchStore.listTraces(PROJECT, { page: 1, limit: 3, search: "filler" });
        assert.deepEqual(filler.data.map((t) => t.id), [11_999, 11_998, 11_997].map((i) => hexId(50_000 + i, 32)));
        assert.equal(filler.meta.totalItems, 2_000);
      } finally {
        await searchStore.close();
      }
    });

    it("migrates a schema 6 database: observations by type and name, and traces by latency, without their old indexes", async () => {
      const schema = freshSchema();
      const first = await openPostgresStore({ url: TEST_PG_URL, maxConnections: 4, schema });
      try {
        await first.migrate();
        await first.ensureProject({ id: PROJECT, name: "A" });
        await first.insertObservations(
          PROJECT,
          Array.from({ length: 12 }, (_, i) =>
            observation({ id: hexId(940 + i, 16), traceId: hexId(940 + Math.floor(i / 4), 32), name: i % 2 === 0 ? "llm" : "tool", startTimeNs: today + 40n + BigInt(i), endTimeNs: today + 40n + BigInt(i) + BigInt(i * 1000) }),
          ),
        );
      } finally {
        await first.close();
      }
      await admin(async (client) => {
        await client.query(`SET search_path = "${schema}"`);
        await downgradePgToSchema6(client);
      });
      const store = await openTestPostgresStore({ schema });
      try {
        const byName = await store.listObservations(PROJECT, { page: 1, limit: 2, name: "llm" });
        assert.equal(byName.meta.totalItems, 6, "the name's counter was filled by the migration");
        assert.deepEqual(byName.data.map((o) => o.id), [hexId(950, 16), hexId(948, 16)]);
        assert.equal((await store.listObservations(PROJECT, { page: 1, limit: 2, name: "never" })).meta.totalItems, 0);
        const byLatency = await store.listTraces(PROJECT, { page: 1, limit: 3, orderBy: { field: "latency", direction: "desc" } });
        assert.deepEqual(byLatency.data.map((t) => t.id), [942, 941, 940].map((i) => hexId(i, 32)));
      } finally {
        await store.close();
      }
    });

    it("migrates schema 5's full-text tables: indexed and still-queued observations stay searchable", async () => {
      const schema = freshSchema();
      // Not the test helper: closing this one must keep its schema.
      const first = await openPostgresStore({ url: TEST_PG_URL, maxConnections: 4, schema });
      try {
        await first.migrate();
        await first.ensureProject({ id: PROJECT, name: "A" });
        await first.insertObservations(PROJECT, [
          observation({ id: hexId(921, 16), traceId: hexId(921, 32), startTimeNs: today + 21n, input: "kiwi indexed" }),
          observation({ id: hexId(922, 16), traceId: hexId(922, 32), startTimeNs: today + 22n, input: "mango queued" }),
        ]);
      } finally {
        await first.close();
      }
      // Back to schema 5: the words in observation_search (kiwi) or still queued (mango).
      await admin(async (client) => {
        await client.query(`SET search_path = "${schema}"`);
        await downgradePgToSchema5(client, [hexId(921, 16)], [hexId(922, 16)]);
      });
      const store = await openTestPostgresStore({ schema });
      try {
        const found = async (text: string) => (await store.listTraces(PROJECT, { page: 1, limit: 5, search: text })).data.map((t) => t.id);
        assert.deepEqual(await found("kiwi"), [hexId(921, 32)]);
        assert.deepEqual(await found("mango"), [hexId(922, 32)]);
        await store.insertObservations(PROJECT, [observation({ id: hexId(923, 16), traceId: hexId(923, 32), startTimeNs: today + 23n, input: "papaya" })]);
        assert.deepEqual(await found("papaya"), [hexId(923, 32)]);
      } finally {
        await store.close();
      }
    });

    it("enforces retention by dropping whole days that hold only this project's data, and deleting rows elsewhere", async () => {
      const old = today - 30n * DAY;
      const shared = today - 20n * DAY;
      await store.insertObservations(PROJECT, [
        observation({ id: hexId(201, 16), traceId: hexId(201, 32), startTimeNs: old + 1n, trace: { userId: "dora", sessionId: "old" } }),
        // A long trace: starts on the old day, a child on a later day.
        observation({ id: hexId(202, 16), traceId: hexId(202, 32), startTimeNs: old + 2n }),
        observation({ id: hexId(203, 16), traceId: hexId(202, 32), parentObservationId: hexId(202, 16), startTimeNs: today + 1n }),
        observation({ id: hexId(204, 16), traceId: hexId(204, 32), startTimeNs: shared + 1n }),
        observation({ id: hexId(205, 16), traceId: hexId(205, 32), startTimeNs: today + 2n, trace: { userId: "dora" } }),
      ]);
      await store.insertObservations(OTHER, [observation({ id: hexId(301, 16), traceId: hexId(301, 32), startTimeNs: shared + 5n })]);

      const result = await store.applyRetention(PROJECT, today - 10n * DAY);
      assert.equal(result.traces, 3);
      assert.equal(result.partitionsDropped, 1, "the old day; the shared day holds another project's rows");
      const partitions = await admin((c) => c.query<{ name: string }>(`SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND relname LIKE 'observations_d%'`, [store.target.schema]));
      const names = partitions.rows.map((r) => r.name);
      assert.ok(!names.includes(partitionName(old / DAY)));
      assert.ok(names.includes(partitionName(shared / DAY)));
      for (const id of [201, 202, 204]) assert.equal(await store.getTrace(PROJECT, hexId(id, 32)), null, `trace ${id}`);
      assert.equal(await store.getObservation(PROJECT, hexId(203, 16)), null, "the later child of an old trace goes with it");
      assert.equal((await store.getTrace(PROJECT, hexId(205, 32)))?.observationCount, 1);
      assert.equal((await store.getTrace(OTHER, hexId(301, 32)))?.observationCount, 1, "another project's data stays");
      assert.equal(await store.getSession(PROJECT, "old"), null);
      assert.equal((await store.listUsers(PROJECT, { page: 1, limit: 10, userId: "dora" })).data[0]?.traceCount, 1);

      const traces = await store.listTraces(PROJECT, { page: 1, limit: 100 });
      assert.equal(traces.meta.totalItems, traces.data.length, "the trace count follows the deletions");
      const observations = await store.listObservations(PROJECT, { page: 1, limit: 100 });
      assert.equal(observations.meta.totalItems, observations.data.length, "the observation count follows dropped partitions and deleted rows");
      const spans = await store.listObservations(PROJECT, { page: 1, limit: 100, type: "SPAN" });
      assert.equal(spans.meta.totalItems, spans.data.length);

      // Spans of a dropped day can still arrive later: the day's partition comes back.
      await store.insertObservations(PROJECT, [observation({ id: hexId(206, 16), traceId: hexId(206, 32), startTimeNs: old + 3n })]);
      assert.equal(await partitionOf(hexId(206, 16)), partitionName(old / DAY));
    });
  });

  describe("metrics rollups", () => {
    const HOUR = 3_600_000_000_000n;
    const today = (BigInt(Date.now()) * 1_000_000n / DAY) * DAY;
    const old = today - 30n * DAY;
    const P = "rollups";
    const range = { view: "observations" as const, metrics: [{ measure: "count", aggregation: "count" as const }], dimensions: [], filters: [], granularity: null, fromNs: old, toNs: today };
    const oneAt = (startNs: bigint, n: number) => observation({ id: hexId(n, 16), traceId: hexId(n, 32), startTimeNs: startNs });

    it("answers clean whole hours from the rollup table, an hour that changed from its rows, and drops the hours of dropped partitions", async () => {
      const store = await openTestPostgresStore();
      const schema = store.target.schema;
      try {
        await store.ensureProject({ id: P, name: "R" });
        await store.insertObservations(P, [oneAt(old + HOUR + 1n, 1), oneAt(old + 2n * HOUR + 1n, 2), oneAt(today - 5n * DAY + 1n, 3)]);
        await store.flushIndex();
        const rollups = async () =>
          (await admin((c) => c.query<{ hour: string; n: string }>(`SELECT hour::text, n::text FROM "${schema}".observation_rollups ORDER BY hour`))).rows.map((r) => [BigInt(r.hour) * HOUR, Number(r.n)]);
        assert.deepEqual(await rollups(), [[old + HOUR, 1], [old + 2n * HOUR, 1], [today - 5n * DAY, 1]]);
        assert.equal((await admin((c) => c.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}".rollup_dirty_hours`))).rows[0]?.n, "0");

        // A tampered rollup shows in the answer: the hours are read from the rollups, not the rows.
        await admin((c) => c.query(`UPDATE "${schema}".observation_rollups SET n = n + 100`));
        assert.deepEqual((await store.queryMetrics(P, range))[0]?.values, [303]);
        // A write to the first hour makes it dirty: read from its rows, the other hours still from rollups.
        await store.insertObservations(P, [oneAt(old + HOUR + 2n, 4)]);
        assert.deepEqual((await store.queryMetrics(P, range))[0]?.values, [204]);

        // Retention drops the old day's partition (no delete trigger fires) and its hours' rollups with it.
        const result = await store.applyRetention(P, today - 10n * DAY);
        assert.equal(result.partitionsDropped, 1);
        assert.deepEqual((await rollups()).map(([hour]) => hour), [today - 5n * DAY]);
        assert.deepEqual((await store.queryMetrics(P, range))[0]?.values, [101], "only the tampered hour that is left");
        await store.flushIndex();
        assert.deepEqual((await store.queryMetrics(P, range))[0]?.values, [101], "untouched hours are not recomputed");
      } finally {
        await store.close();
      }
    });

    it("leaves each hour with exactly its rows when two processes write and roll up at once", async () => {
      const store = await openTestPostgresStore();
      const other = await openPostgresStore({ url: TEST_PG_URL, schema: store.target.schema });
      try {
        await store.ensureProject({ id: P, name: "R" });
        const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 20 }, (_, i) => oneAt(old + BigInt(b % 4) * HOUR + BigInt(i) * 1_000n, 1 + b * 20 + i)));
        // Two processes write and roll up at the same time; each hour ends up with exactly its rows.
        await Promise.all(batches.map(async (batch, b) => {
          await (b % 2 === 0 ? store : other).insertObservations(P, batch);
          await (b % 2 === 0 ? other : store).flushIndex();
        }));
        await store.flushIndex();
        const rows = await admin((c) => c.query<{ hour: string; n: string }>(`SELECT hour::text, sum(n)::text AS n FROM "${store.target.schema}".observation_rollups GROUP BY hour ORDER BY hour`));
        assert.deepEqual(rows.rows.map((r) => Number(r.n)), [60, 60, 60, 60]);
        assert.deepEqual((await store.queryMetrics(P, range))[0]?.values, [240]);
      } finally {
        await other.close();
        await store.close();
      }
    });
  });

  describe("when the database goes away", () => {
    it("rejects calls with StoreUnavailableError while it is gone, and recovers by itself without losing acknowledged data", async () => {
      const target = parsePostgresUrl(TEST_PG_URL);
      const proxy = new TcpProxy(target.host, target.port);
      await proxy.start();
      const schema = freshSchema();
      const url = `postgres://${target.user}@127.0.0.1:${proxy.port}/${target.database}`;
      const store = await openPostgresStore({ url, schema, connectTimeoutMillis: 1_000 });
      try {
        await store.migrate();
        await store.ensureProject({ id: PROJECT, name: "A" });
        await store.insertObservations(PROJECT, [observation({ id: hexId(1, 16), traceId: hexId(1, 32) })]);

        await proxy.stop();
        const failed = await store.insertObservations(PROJECT, [observation({ id: hexId(2, 16), traceId: hexId(2, 32) })]).then(
          () => assert.fail("expected a rejection"),
          (e: unknown) => e,
        );
        assert.ok(failed instanceof StoreUnavailableError, String(failed));
        assert.equal(failed.code, "store_unavailable");
        await assert.rejects(store.listTraces(PROJECT, { page: 1, limit: 10 }), StoreUnavailableError);

        await proxy.start();
        await store.insertObservations(PROJECT, [observation({ id: hexId(2, 16), traceId: hexId(2, 32) })]);
        const listed = await store.listTraces(PROJECT, { page: 1, limit: 10 });
        assert.deepEqual(listed.data.map((t) => t.id).sort(), [hexId(1, 32), hexId(2, 32)]);
      } finally {
        await store.close();
        await proxy.stop();
        await dropSchema(schema);
      }
    });
  });
});
