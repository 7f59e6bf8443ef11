// Values a database cannot hold as given, on both stores, through the real app:
// - identifiers longer than any index entry (5,000 random characters as span name, user id, session
//   id, model and tag) are cut to MAX_IDENTIFIER_CHARS; PostgreSQL refused the whole batch before
//   ("index row size exceeds btree maximum");
// - NUL characters (PostgreSQL text cannot hold U+0000) in identifiers become U+FFFD, in JSON values
//   they stay JSON escapes; PostgreSQL failed the batch on a NUL in a tag before;
// - a NUL in a path parameter is a 400, not a store error.
// In each request an ordinary span travels with the hostile one and must be stored too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { SightlineAttributes as A } from "@sightline/core";
import { MAX_IDENTIFIER_CHARS } from "@sightline/server";
import type { TraceStore } from "@sightline/server";
import { JSON_TYPE, buildSpans, createHarness, otlpJson } from "./support/http-harness.js";
import type { ApiError, ApiPage, ApiTrace, ApiTraceDetail, Harness } from "./support/http-harness.js";
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
  describe(`values a database cannot hold as given, on ${name}`, { skip }, () => {
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

    it("stores NUL characters: U+FFFD in identifiers and plain text, JSON escapes in JSON values", async () => {
      const spans = buildSpans(
        [
          {
            name: "nul\u0000name",
            attributes: {
              [A.TRACE_USER_ID]: "user\u0000nul",
              [A.TRACE_SESSION_ID]: "session\u0000nul",
              [A.TRACE_TAGS]: ["tag\u0000nul"],
              [A.TRACE_NAME]: "trace\u0000nul",
              [A.OBSERVATION_TYPE]: "generation",
              [A.OBSERVATION_MODEL]: "gpt\u00004o",
              [A.OBSERVATION_INPUT]: JSON.stringify({ text: "in\u0000put" }),
              [A.OBSERVATION_OUTPUT]: "raw\u0000output",
              [`${A.OBSERVATION_METADATA_PREFIX}key\u0000`]: "value\u0000",
              [A.OBSERVATION_STATUS_MESSAGE]: "status\u0000message",
            },
          },
          { name: "sibling", parent: 0, startOffsetMs: 5, attributes: { "custom\u0000key": "custom\u0000value" } },
        ],
        "another-library",
      );
      const res = await h.post("/v1/traces", otlpJson(spans), JSON_TYPE);
      assert.equal(res.status, 200, await res.text());

      const list = await h.get<ApiPage<ApiTrace>>(`/api/public/traces?userId=${encodeURIComponent("user\uFFFDnul")}`);
      assert.equal(list.body.data.length, 1, "found by the stored user id");
      const summary = list.body.data[0] as ApiTrace;
      assert.deepEqual([summary.name, summary.sessionId, summary.tags], ["trace\uFFFDnul", "session\uFFFDnul", ["tag\uFFFDnul"]]);
      const detail = await h.get<ApiTraceDetail>(`/api/public/traces/${summary.id}`);
      const root = detail.body.observations.find((o) => o.parentObservationId === null);
      assert.ok(root !== undefined);
      assert.deepEqual([root.name, root.model, root.statusMessage], ["nul\uFFFDname", "gpt\uFFFD4o", "status\uFFFDmessage"]);
      assert.deepEqual(root.input, { text: "in\u0000put" }, "JSON keeps the character");
      assert.equal(root.output, "raw\u0000output");
      assert.equal(root.metadata["key\u0000"], "value\u0000");
      assert.equal(detail.body.observations.length, 2, "the sibling is stored too");
      await h.store.flushIndex();
      const found = await h.get<ApiPage<ApiTrace>>("/api/public/traces?search=put");
      assert.deepEqual(found.body.data.map((t) => t.id), [summary.id], "its words are searchable");
    });

    it("answers a NUL in a path parameter with 400 invalid_path", async () => {
      for (const path of ["/api/public/traces/a%00b", "/api/public/observations/a%00b", "/api/public/sessions/a%00b"]) {
        const res = await h.get<ApiError>(path);
        assert.equal(res.status, 400, path);
        assert.equal(res.body.error.code, "invalid_path", path);
      }
      const deleted = await h.app.request("/api/public/traces/a%00b", { method: "DELETE", headers: { authorization: h.keyA.authorization } });
      assert.equal(deleted.status, 400);
    });
  });
}
