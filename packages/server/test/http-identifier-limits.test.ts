// Identifiers longer than any index can hold (a 5,000-character random span name, user id, session
// id, model and tag) arrive in one OTLP request with an ordinary span, on both stores: the request is
// acknowledged, both spans are stored, and the long values are cut to MAX_IDENTIFIER_CHARS. Before
// they were cut, PostgreSQL refused the whole batch ("index row size exceeds btree maximum").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { SightlineAttributes as A } from "@sightline/core";
import { MAX_IDENTIFIER_CHARS } from "@sightline/server";
import type { TraceStore } from "@sightline/server";
import { JSON_TYPE, buildSpans, createHarness, otlpJson } from "./support/http-harness.js";
import type { ApiPage, ApiTrace, ApiTraceDetail, Harness } from "./support/http-harness.js";
import { PG_REQUIRED, TEST_PG_URL, openTestPostgresStore, postgresUnreachable } from "./support/postgres.js";

const unreachable = await postgresUnreachable();
const pgSkip = unreachable !== null && !PG_REQUIRED ? `PostgreSQL not reachable at ${TEST_PG_URL} (${unreachable})` : false;
/** Random text does not compress, so an index entry holding it really is that long. */
const random = () => randomBytes(3_750).toString("base64");

const stores: Array<{ name: string; skip: string | false; open: () => Promise<TraceStore | undefined> }> = [
  { name: "SQLite", skip: false, open: async () => undefined },
  { name: "PostgreSQL", skip: pgSkip, open: () => openTestPostgresStore() },
];

for (const { name, skip, open } of stores) {
  describe(`identifiers longer than an index entry, on ${name}`, { skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness({ store: await open() });
    });
    after(() => h.close());

    it("acknowledges the request, stores both spans and cuts the long values with a mark", async () => {
      const [spanName, userId, sessionId, model, tag] = [random(), random(), random(), random(), random()];
      const spans = buildSpans([
        {
          name: spanName,
          attributes: {
            [A.TRACE_USER_ID]: userId,
            [A.TRACE_SESSION_ID]: sessionId,
            [A.TRACE_TAGS]: [tag, "ordinary"],
            [A.OBSERVATION_TYPE]: "generation",
            [A.OBSERVATION_MODEL]: model,
          },
        },
        { name: "next-step", parent: 0, startOffsetMs: 5 },
      ]);
      const res = await h.post("/v1/traces", otlpJson(spans), JSON_TYPE);
      assert.equal(res.status, 200, await res.text());

      const cut = (value: string) => `${value.slice(0, MAX_IDENTIFIER_CHARS - 1)}…`;
      const list = await h.get<ApiPage<ApiTrace>>(`/api/public/traces?userId=${encodeURIComponent(cut(userId))}`);
      assert.equal(list.status, 200);
      assert.equal(list.body.data.length, 1, "found by its cut user id");
      const summary = list.body.data[0] as ApiTrace;
      assert.equal(summary.sessionId, cut(sessionId));
      assert.deepEqual([...summary.tags].sort(), [cut(tag), "ordinary"].sort());
      assert.equal(summary.name, cut(spanName));

      const detail = await h.get<ApiTraceDetail>(`/api/public/traces/${summary.id}`);
      assert.equal(detail.status, 200);
      const byName = new Map(detail.body.observations.map((o) => [o.name, o]));
      assert.deepEqual([...byName.keys()].sort(), [cut(spanName), "next-step"].sort(), "both spans of the request are stored");
      assert.equal(byName.get(cut(spanName))?.model, cut(model));
    });
  });
}
