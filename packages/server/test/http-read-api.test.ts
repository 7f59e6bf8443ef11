// The Langfuse-compatible read API through the in-process app: shapes, filters, paging, ordering,
// query validation, and the generic 404 / 405 answers.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A } from "@sightline/core";
import { createApp, openSqliteStore, silentServerLogger } from "@sightline/server";
import { buildSpans, createHarness, JSON_TYPE, otlpJson } from "./support/http-harness.js";
import { observation } from "./support/store-fixtures.js";
import type { ApiError, ApiObservation, ApiPage, ApiTrace, Harness } from "./support/http-harness.js";

let h: Harness;
/** Trace ids by scenario. */
const ids: Record<string, string> = {};
let generationId = "";

before(async () => {
  h = await createHarness();
  const chat = (turn: number) =>
    buildSpans([
      {
        name: "chat-turn",
        startOffsetMs: turn * 1000,
        durationMs: 300,
        attributes: {
          [A.TRACE_USER_ID]: "alice",
          [A.TRACE_SESSION_ID]: "session-1",
          [A.TRACE_TAGS]: ["chat", `turn-${turn}`],
          [A.ENVIRONMENT]: "production",
          [A.OBSERVATION_INPUT]: JSON.stringify({ question: turn === 1 ? "Where is the Eiffel tower?" : "And the Louvre?" }),
        },
      },
      {
        name: "llm-call",
        parent: 0,
        startOffsetMs: turn * 1000 + 10,
        durationMs: 250,
        attributes: {
          [A.OBSERVATION_TYPE]: "generation",
          [A.OBSERVATION_MODEL]: "gpt-4o",
          [A.TRACE_USER_ID]: "alice",
          [A.TRACE_SESSION_ID]: "session-1",
          [A.ENVIRONMENT]: "production",
          [A.OBSERVATION_USAGE_DETAILS]: JSON.stringify({ input: 100, output: 20 }),
          [A.OBSERVATION_COST_DETAILS]: JSON.stringify({ input: 0.00025, output: 0.0002 }),
          [A.OBSERVATION_COMPLETION_START_TIME]: new Date(Date.UTC(2026, 0, 15, 12, 0, turn, 110)).toISOString(),
          [A.OBSERVATION_OUTPUT]: JSON.stringify({ role: "assistant", content: turn === 1 ? "In Paris, on the Champ de Mars." : "Also in Paris." }),
        },
      },
    ]);
  const turn1 = chat(1);
  const turn2 = chat(2);
  const failing = buildSpans([
    { name: "nightly-job", startOffsetMs: 5000, attributes: { [A.TRACE_USER_ID]: "bob", [A.ENVIRONMENT]: "staging" } },
    { name: "fetch", parent: 0, startOffsetMs: 5001, error: "connection refused", attributes: { [A.OBSERVATION_TYPE]: "tool" } },
  ]);
  for (const spans of [turn1, turn2, failing]) {
    const res = await h.post("/v1/traces", otlpJson(spans), JSON_TYPE);
    assert.equal(res.status, 200);
  }
  ids.turn1 = turn1[0]!.spanContext().traceId;
  ids.turn2 = turn2[0]!.spanContext().traceId;
  ids.failing = failing[0]!.spanContext().traceId;
  generationId = turn1[1]!.spanContext().spanId;
});
after(async () => {
  await h.close();
});

describe("GET /api/public/health", () => {
  it("answers without auth with status OK and the version", async () => {
    const res = await h.app.request("/api/public/health");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "OK", version: "0.1.0" });
  });

  it("with details=true also reports the store and how many observations the search index has not reached", async () => {
    // Indexing only when asked, so the backlog read below is the one the insert left.
    const store = await openSqliteStore({ file: ":memory:", fullText: { intervalMillis: 3_600_000 } });
    try {
      const app = createApp({ store, logger: silentServerLogger });
      const details = async () => (await (await app.request("/api/public/health?details=true")).json()) as Record<string, unknown>;
      assert.deepEqual(await details(), { status: "OK", version: "0.1.0", store: "sqlite", searchBacklog: 0 });
      await store.ensureProject({ id: "p", name: "p" });
      await store.insertObservations("p", [
        observation({ id: "7".repeat(16), traceId: "7".repeat(32) }),
        observation({ id: "8".repeat(16), traceId: "7".repeat(32), parentObservationId: "7".repeat(16) }),
      ]);
      assert.equal((await details())["searchBacklog"], 2);
      await store.flushIndex();
      assert.equal((await details())["searchBacklog"], 0);
    } finally {
      await store.close();
    }
  });
});

describe("GET /api/public/traces", () => {
  it("lists traces newest first in Langfuse's shape, with observation ids and Sightline's extras", async () => {
    const { status, body } = await h.get<ApiPage<ApiTrace>>("/api/public/traces");
    assert.equal(status, 200);
    assert.deepEqual(body.meta, { page: 1, limit: 50, totalItems: 3, totalPages: 1 });
    assert.deepEqual(body.data.map((t) => t.id), [ids.failing, ids.turn2, ids.turn1]);
    const t = body.data.find((x) => x.id === ids.turn1)!;
    assert.equal(t.name, "chat-turn");
    assert.equal(t.userId, "alice");
    assert.equal(t.sessionId, "session-1");
    assert.deepEqual([...t.tags].sort(), ["chat", "turn-1"]);
    assert.equal(t.environment, "production");
    assert.equal(t.htmlPath, `/project/default/traces/${ids.turn1}`);
    assert.equal(t.timestamp, "2026-01-15T12:00:01.000Z");
    assert.equal(t.startTimeUnixNano, "1768478401000123456", "nanoseconds kept");
    assert.ok(Math.abs((t.latency ?? 0) - 0.300530865) < 1e-9);
    assert.equal(t.observationCount, 2);
    assert.equal(t.totalTokens, 120);
    assert.ok(Math.abs(t.totalCost - 0.00045) < 1e-12);
    assert.equal(t.level, "DEFAULT");
    assert.deepEqual(t.scores, []);
    assert.equal(t.observations?.length, 2);
    assert.ok(t.observations?.every((o) => typeof o === "string"));
    assert.deepEqual(t.input, { question: "Where is the Eiffel tower?" });
  });

  it("filters by user, session, name, tags (all of them), environment and time", async () => {
    const list = async (query: string) => (await h.get<ApiPage<ApiTrace>>(`/api/public/traces?${query}`)).body.data.map((t) => t.id);
    assert.deepEqual(await list("userId=bob"), [ids.failing]);
    assert.deepEqual(await list("sessionId=session-1"), [ids.turn2, ids.turn1]);
    assert.deepEqual(await list("name=nightly-job"), [ids.failing]);
    assert.deepEqual(await list("tags=chat&tags=turn-2"), [ids.turn2]);
    assert.deepEqual(await list("environment=staging"), [ids.failing]);
    assert.deepEqual(await list("environment=staging&environment=production"), [ids.failing, ids.turn2, ids.turn1]);
    assert.deepEqual(await list("fromTimestamp=2026-01-15T12:00:01.500Z&toTimestamp=2026-01-15T12:00:03Z"), [ids.turn2]);
    assert.deepEqual(await list("level=ERROR"), [ids.failing], "the worst level, from the failing child");
    assert.deepEqual(await list("level=DEFAULT"), [ids.turn2, ids.turn1]);
    assert.equal((await h.get("/api/public/traces?level=LOUD")).status, 400);
  });

  it("searches the full text of inputs and outputs", async () => {
    const { body } = await h.get<ApiPage<ApiTrace>>("/api/public/traces?search=Louvre");
    assert.deepEqual(body.data.map((t) => t.id), [ids.turn2]);
  });

  it("pages with page and limit", async () => {
    const { body } = await h.get<ApiPage<ApiTrace>>("/api/public/traces?limit=2&page=2");
    assert.deepEqual(body.meta, { page: 2, limit: 2, totalItems: 3, totalPages: 2 });
    assert.deepEqual(body.data.map((t) => t.id), [ids.turn1]);
  });

  it("orders by a field and direction", async () => {
    const { body } = await h.get<ApiPage<ApiTrace>>("/api/public/traces?orderBy=timestamp.asc");
    assert.deepEqual(body.data.map((t) => t.id), [ids.turn1, ids.turn2, ids.failing]);
  });

  it("leaves out observations and io when fields does not ask for them", async () => {
    const { body } = await h.get<ApiPage<ApiTrace>>("/api/public/traces?fields=core,metrics");
    assert.ok(body.data.every((t) => !("observations" in t) && !("input" in t)));
  });

  for (const [query, pattern] of [
    ["limit=101", /limit must be an integer from 1 to 100, got "101"/],
    ["limit=0", /limit must be an integer from 1 to 100/],
    ["page=abc", /page must be an integer/],
    ["fromTimestamp=yesterday", /fromTimestamp must be an ISO 8601 timestamp.*"yesterday"/],
    ["toTimestamp=2026-02-30T00:00:00Z", /toTimestamp must be an ISO 8601 timestamp/],
    ["fromTimestamp=2026-01-02T00:00:00Z&toTimestamp=2026-01-01T00:00:00Z", /fromTimestamp is after toTimestamp/],
    ["orderBy=userId.desc", /orderBy field "userId" is not supported; use one of timestamp, name/],
    ["orderBy=timestamp.up", /orderBy direction must be asc or desc/],
    ["fields=core,everything", /fields contains "everything"/],
    ["userId=a%00b", /userId must not contain a NUL character/],
    ["tags=ok&tags=%00", /tags must not contain a NUL character/],
  ] as const) {
    it(`refuses ${query} with 400 invalid_query`, async () => {
      const { status, body } = await h.get(`/api/public/traces?${query}`);
      assert.equal(status, 400);
      assert.equal(body.error.code, "invalid_query");
      assert.match(body.error.message, pattern);
    });
  }
});

describe("GET /api/public/traces/{id}", () => {
  it("returns the trace with every observation in full", async () => {
    const { status, body } = await h.get<ApiTrace>(`/api/public/traces/${ids.turn1}`);
    assert.equal(status, 200);
    const observations = body.observations as ApiObservation[];
    assert.deepEqual(observations.map((o) => o.name), ["chat-turn", "llm-call"]);
    const generation = observations[1]!;
    assert.equal(generation.type, "GENERATION");
    assert.equal(generation.parentObservationId, observations[0]!.id);
    assert.equal(generation.model, "gpt-4o");
  });

  it("accepts an uppercase trace id", async () => {
    assert.equal((await h.get(`/api/public/traces/${ids.turn1!.toUpperCase()}`)).status, 200);
  });

  it("answers 404 trace_not_found for an unknown id", async () => {
    const { status, body } = await h.get("/api/public/traces/0123456789abcdef0123456789abcdef");
    assert.equal(status, 404);
    assert.equal(body.error.code, "trace_not_found");
  });
});

describe("GET /api/public/observations", () => {
  it("returns an observation in Langfuse's shape with usage, cost, latency and time to first token", async () => {
    const { status, body } = await h.get<ApiObservation>(`/api/public/observations/${generationId}`);
    assert.equal(status, 200);
    assert.equal(body.traceId, ids.turn1);
    assert.equal(body.type, "GENERATION");
    assert.deepEqual(body.usageDetails, { input: 100, output: 20, total: 120 });
    assert.deepEqual(body.usage, { input: 100, output: 20, total: 120, unit: "TOKENS" });
    assert.equal(body.totalTokens, 120);
    assert.ok(Math.abs(body.calculatedTotalCost - 0.00045) < 1e-12);
    assert.equal(body.startTime, "2026-01-15T12:00:01.010Z");
    assert.equal(body.startTimeUnixNano, "1768478401010123456");
    assert.ok(Math.abs((body.latency ?? 0) - 0.250530865) < 1e-9);
    assert.equal(body.completionStartTime, "2026-01-15T12:00:01.110Z");
    assert.ok(Math.abs((body.timeToFirstToken ?? 0) - 0.099876544) < 1e-6);
    assert.deepEqual(body.output, { role: "assistant", content: "In Paris, on the Champ de Mars." });
  });

  it("filters by trace, type, name, user, level and parent", async () => {
    const list = async (query: string) => (await h.get<ApiPage<ApiObservation>>(`/api/public/observations?${query}`)).body.data;
    assert.equal((await list(`traceId=${ids.turn1}`)).length, 2);
    assert.deepEqual((await list("type=GENERATION")).map((o) => o.traceId).sort(), [ids.turn1, ids.turn2].sort());
    assert.equal((await list("type=generation")).length, 2, "type is case-insensitive");
    assert.equal((await list("name=fetch"))[0]?.statusMessage, "connection refused");
    assert.deepEqual((await list("level=ERROR")).map((o) => o.name), ["fetch"]);
    assert.equal((await list("userId=alice")).length, 4);
    const root = (await list(`traceId=${ids.failing}&name=nightly-job`))[0]!;
    assert.deepEqual((await list(`parentObservationId=${root.id}`)).map((o) => o.name), ["fetch"]);
  });

  it("refuses an unknown type or level with 400", async () => {
    const bad = await h.get("/api/public/observations?type=banana");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /type must be one of SPAN, GENERATION/);
    assert.equal((await h.get("/api/public/observations?level=LOUD")).status, 400);
  });

  it("answers 404 observation_not_found for an unknown id", async () => {
    const { status, body } = await h.get("/api/public/observations/0123456789abcdef");
    assert.equal(status, 404);
    assert.equal(body.error.code, "observation_not_found");
  });
});

describe("GET /api/public/sessions and /users", () => {
  it("lists sessions with their aggregates", async () => {
    const { body } = await h.get<ApiPage<Record<string, unknown>>>("/api/public/sessions");
    assert.equal(body.data.length, 1);
    const s = body.data[0]!;
    assert.equal(s.id, "session-1");
    assert.deepEqual(s.userIds, ["alice"]);
    assert.equal(s.traceCount, 2);
    assert.equal(s.totalTokens, 240);
    assert.equal(s.createdAt, "2026-01-15T12:00:01.000Z");
  });

  it("returns a session with its traces", async () => {
    const { status, body } = await h.get<{ id: string; traces: ApiTrace[] }>("/api/public/sessions/session-1");
    assert.equal(status, 200);
    assert.deepEqual(body.traces.map((t) => t.id).sort(), [ids.turn1, ids.turn2].sort());
  });

  it("answers 404 session_not_found for an unknown session", async () => {
    const { status, body } = await h.get("/api/public/sessions/nope");
    assert.equal(status, 404);
    assert.equal(body.error.code, "session_not_found");
  });

  it("lists users with trace and session counts, tokens, cost and first/last seen", async () => {
    const { body } = await h.get<ApiPage<Record<string, unknown>>>("/api/public/users");
    const alice = body.data.find((u) => u.userId === "alice")!;
    assert.equal(alice.traceCount, 2);
    assert.equal(alice.sessionCount, 1);
    assert.equal(alice.totalTokens, 240);
    assert.equal(alice.firstSeen, "2026-01-15T12:00:01.000Z");
    assert.equal(body.data.find((u) => u.userId === "bob")?.traceCount, 1);
  });
});

describe("GET /api/public/projects", () => {
  it("returns the key's project (the Langfuse SDKs' auth check)", async () => {
    const { body } = await h.get<{ data: Array<{ id: string; name: string }> }>("/api/public/projects");
    assert.deepEqual(body.data.map((p) => [p.id, p.name]), [["default", "Default project"]]);
  });
});

describe("unknown routes and methods", () => {
  it("answers an unknown path with a 404 JSON error that says where things are", async () => {
    const res = await h.app.request("/api/public/nothing-here");
    assert.equal(res.status, 404);
    const { error } = (await res.json()) as ApiError;
    assert.equal(error.code, "not_found");
    assert.match(error.message, /POST \/v1\/traces/);
  });

  it("treats a trailing slash like no slash", async () => {
    assert.equal((await h.get<ApiPage<ApiTrace>>("/api/public/traces/")).body.data.length, 3);
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const res = await h.app.request("/v1/traces", { headers: { authorization: h.keyA.authorization } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
    assert.equal(((await res.json()) as ApiError).error.code, "method_not_allowed");
    const put = await h.app.request(`/api/public/traces/${ids.turn1}`, { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD, DELETE");
  });
});
