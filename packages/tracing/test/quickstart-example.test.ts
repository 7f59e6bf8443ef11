// examples/quickstart.ts runs as a user would run it (its own process, configured by environment
// variables) and delivers its trace to the configured server.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SightlineAttributes as A } from "@sightline/tracing";
import { basicAuth, capturedSpan, startOtlpCapture } from "./support/otlp-capture.js";
import type { OtlpCapture } from "./support/otlp-capture.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
let capture: OtlpCapture;

before(async () => {
  capture = await startOtlpCapture();
});
after(() => capture.close());

describe("examples/quickstart.ts", () => {
  it("runs to completion and sends one trace: answer-question with retrieve-documents and llm-call, carrying user, session and tags", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SIGHTLINE_BASE_URL: capture.origin,
      SIGHTLINE_PUBLIC_KEY: "pk-quickstart",
      SIGHTLINE_SECRET_KEY: "sk-quickstart",
    };
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/quickstart.ts"], {
      cwd: root,
      env,
      timeout: 30_000,
    });

    const spans = capture.spans();
    const answer = capturedSpan(spans, "answer-question");
    assert.match(stdout, new RegExp(`^trace ${answer.traceId}: Paris\\.$`, "m"));
    const retriever = capturedSpan(spans, "retrieve-documents");
    const generation = capturedSpan(spans, "llm-call");
    assert.equal(answer.parentSpanId, undefined);
    assert.equal(retriever.parentSpanId, answer.spanId);
    assert.equal(generation.parentSpanId, answer.spanId);
    assert.equal(retriever.attributes[A.OBSERVATION_TYPE], "retriever");
    assert.equal(generation.attributes[A.OBSERVATION_TYPE], "generation");
    assert.equal(generation.attributes[A.OBSERVATION_MODEL], "gpt-4o");
    for (const span of [answer, retriever, generation]) {
      assert.equal(span.traceId, answer.traceId);
      assert.equal(span.attributes[A.TRACE_USER_ID], "user_123", span.name);
      assert.equal(span.attributes[A.TRACE_SESSION_ID], "session_abc", span.name);
      assert.deepEqual(span.attributes[A.TRACE_TAGS], ["quickstart"], span.name);
    }
    for (const request of capture.requests) assert.equal(request.headers.authorization, basicAuth("pk-quickstart", "sk-quickstart"));
  });
});
