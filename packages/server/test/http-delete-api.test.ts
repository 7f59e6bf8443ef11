// Deleting a trace and a session through the public API: Basic auth, project scoping, 404s.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A } from "@sightline/core";
import { buildSpans, createHarness, JSON_TYPE, otlpJson } from "./support/http-harness.js";
import type { ApiError, ApiPage, ApiTrace, Harness, TestKey } from "./support/http-harness.js";

let h: Harness;

/** Sends a trace of one span in `sessionId` with `key`; returns its trace id. */
async function sendTrace(sessionId: string, key: TestKey, startOffsetMs: number): Promise<string> {
  const spans = buildSpans([{ name: "turn", startOffsetMs, attributes: { [A.TRACE_SESSION_ID]: sessionId, [A.TRACE_USER_ID]: "alice" } }]);
  const res = await h.post("/v1/traces", otlpJson(spans), JSON_TYPE, key);
  assert.equal(res.status, 200);
  return spans[0]!.spanContext().traceId;
}

async function del(path: string, key: TestKey | null): Promise<{ status: number; body: unknown }> {
  const res = await h.app.request(path, { method: "DELETE", headers: key === null ? {} : { authorization: key.authorization } });
  return { status: res.status, body: await res.json() };
}

beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe("DELETE /api/public/traces/{id}", () => {
  it("deletes the project's trace and answers Langfuse's message, then 404", async () => {
    const kept = await sendTrace("chat", h.keyA, 0);
    const gone = await sendTrace("chat", h.keyA, 1000);
    assert.deepEqual(await del(`/api/public/traces/${gone}`, h.keyA), { status: 200, body: { message: "Trace deleted successfully" } });
    assert.equal((await h.get(`/api/public/traces/${gone}`)).status, 404);
    assert.deepEqual((await h.get<ApiPage<ApiTrace>>("/api/public/traces")).body.data.map((t) => t.id), [kept]);
    const again = await del(`/api/public/traces/${gone}`, h.keyA);
    assert.equal(again.status, 404);
    assert.equal((again.body as ApiError).error.code, "trace_not_found");
  });

  it("needs Basic auth and never deletes another project's trace", async () => {
    const traceId = await sendTrace("chat", h.keyA, 0);
    assert.equal((await del(`/api/public/traces/${traceId}`, null)).status, 401);
    assert.equal((await del(`/api/public/traces/${traceId}`, h.keyB)).status, 404, "project B does not see A's trace");
    assert.equal((await h.get(`/api/public/traces/${traceId}`)).status, 200);
    assert.equal((await del(`/api/public/traces/${traceId.toUpperCase()}`, h.keyA)).status, 200, "hex ids are case-insensitive");
  });
});

describe("DELETE /api/public/sessions/{id}", () => {
  it("deletes every trace of the session in the key's project only", async () => {
    await sendTrace("chat", h.keyA, 0);
    await sendTrace("chat", h.keyA, 1000);
    const other = await sendTrace("other", h.keyA, 2000);
    const teamB = await sendTrace("chat", h.keyB, 0);
    assert.equal((await del("/api/public/sessions/chat", null)).status, 401);
    assert.deepEqual(await del("/api/public/sessions/chat", h.keyA), { status: 200, body: { message: "Session deleted successfully", deletedTraces: 2 } });
    assert.equal((await h.get("/api/public/sessions/chat")).status, 404);
    assert.deepEqual((await h.get<ApiPage<ApiTrace>>("/api/public/traces")).body.data.map((t) => t.id), [other]);
    assert.equal((await h.get("/api/public/sessions/chat", h.keyB)).status, 200, "project B keeps its session of the same id");
    assert.equal((await h.get(`/api/public/traces/${teamB}`, h.keyB)).status, 200);
    const again = await del("/api/public/sessions/chat", h.keyA);
    assert.equal(again.status, 404);
    assert.equal((again.body as ApiError).error.code, "session_not_found");
  });
});
