// Cross-service propagation with two real HTTP services in one process. Service A propagates
// attributes as W3C baggage and calls service B with `fetch`, injecting the active context into
// the headers (what OpenTelemetry HTTP instrumentations do); service B extracts the context from
// the request headers and starts its observation in it.
import { describe, it, before, beforeEach, after } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, context, propagation } from "@opentelemetry/api";
import type { IncomingHttpHeaders } from "node:http";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { propagateAttributes, startActiveObservation, SightlineAttributes as A } from "@sightline/tracing";
import { byName, captureLogs, recordSpans, takeSpans } from "./support/in-memory.js";
import { startServer } from "./support/http-server.js";
import type { TestServer } from "./support/http-server.js";

before(() => recordSpans());
beforeEach(() => takeSpans());

/** `fetch` with the active context injected into the request headers, like an HTTP instrumentation. */
async function instrumentedFetch(url: string, extraHeaders: Record<string, string> = {}): Promise<string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  const response = await fetch(url, { headers: { ...headers, ...extraHeaders } });
  return response.text();
}

/** The baggage entries of a request, decoded. */
function baggageOf(headers: IncomingHttpHeaders | undefined): Map<string, string> {
  const raw = headers?.baggage;
  if (raw === undefined) return new Map();
  return new Map(
    String(raw)
      .split(",")
      .map((entry) => {
        const [key = "", value = ""] = entry.split(";")[0]!.split("=");
        return [decodeURIComponent(key.trim()), decodeURIComponent(value.trim())];
      }),
  );
}

describe("baggage across two HTTP services", () => {
  let serviceA: TestServer;
  let serviceB: TestServer;

  before(async () => {
    // Service B: joins the caller's trace from the request headers.
    serviceB = await startServer(async (req, res) => {
      const extracted = propagation.extract(ROOT_CONTEXT, req.headers);
      await context.with(extracted, () =>
        startActiveObservation(
          "service-b-handler",
          async (observation) => {
            observation.update({ input: { path: req.url } });
            res.end("done by B");
          },
          { asType: "tool" },
        ),
      );
    });
    // Service A: propagates the user, session, tags and metadata as baggage, then calls B.
    serviceA = await startServer(async (req, res) => {
      const asBaggage = new URL(req.url ?? "/", serviceA.origin).searchParams.get("asBaggage") === "true";
      await startActiveObservation("service-a-handler", async () => {
        await propagateAttributes(
          {
            userId: "user_123",
            sessionId: "session_abc",
            tags: ["checkout", "beta"],
            metadata: { tenant: "acme", plan: "premium" },
            asBaggage,
          },
          async () => {
            const answer = await instrumentedFetch(`${serviceB.origin}/api`);
            res.end(`A got: ${answer}`);
          },
        );
      });
    });
  });
  after(async () => {
    await serviceA.close();
    await serviceB.close();
    assert.deepEqual([...serviceA.errors, ...serviceB.errors], [], "no handler threw");
  });
  beforeEach(() => {
    serviceA.received.length = 0;
    serviceB.received.length = 0;
  });

  it("B's observation joins A's trace under A's observation and carries A's user, session, tags and metadata", async () => {
    const response = await fetch(`${serviceA.origin}/checkout?asBaggage=true`);
    assert.equal(await response.text(), "A got: done by B");

    const spans = takeSpans();
    const a = byName(spans, "service-a-handler");
    const b = byName(spans, "service-b-handler");
    assert.equal(b.spanContext().traceId, a.spanContext().traceId, "one trace");
    assert.equal(b.parentSpanContext?.spanId, a.spanContext().spanId, "A's observation is B's parent");
    assert.equal(b.parentSpanContext?.isRemote, true);
    for (const span of [a, b]) {
      assert.equal(span.attributes[A.TRACE_USER_ID], "user_123", span.name);
      assert.equal(span.attributes[A.TRACE_SESSION_ID], "session_abc", span.name);
      assert.deepEqual(span.attributes[A.TRACE_TAGS], ["checkout", "beta"], span.name);
      assert.equal(span.attributes[`${A.TRACE_METADATA_PREFIX}tenant`], "acme", span.name);
      assert.equal(span.attributes[`${A.TRACE_METADATA_PREFIX}plan`], "premium", span.name);
    }
    assert.equal(b.attributes[A.OBSERVATION_TYPE], "tool");

    // On the wire: the Langfuse baggage names, so services on either SDK understand each other.
    const baggage = baggageOf(serviceB.received[0]);
    assert.deepEqual(Object.fromEntries(baggage), {
      langfuse_user_id: "user_123",
      langfuse_session_id: "session_abc",
      langfuse_tags: "checkout,beta",
      langfuse_metadata_tenant: "acme",
      langfuse_metadata_plan: "premium",
    });
  });

  it("B validates inbound baggage like local input: a 300-character user id and a metadata key with a space are dropped with a warning", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const parentId = "b7ad6b7169203331";
    const baggage = [
      `langfuse_user_id=${"u".repeat(300)}`,
      "langfuse_session_id=session_ok",
      `langfuse_metadata_${encodeURIComponent("bad key")}=evil`,
      "langfuse_metadata_good_key=fine",
      "langfuse_tags=ok-tag",
    ].join(",");

    const { lines } = await captureLogs(async () => {
      const response = await fetch(`${serviceB.origin}/direct`, {
        headers: { traceparent: `00-${traceId}-${parentId}-01`, baggage },
      });
      return response.text();
    });

    const b = byName(takeSpans(), "service-b-handler");
    assert.equal(b.spanContext().traceId, traceId);
    assert.equal(b.parentSpanContext?.spanId, parentId);
    assert.equal(b.attributes[A.TRACE_USER_ID], undefined, "the 300-character user id is dropped");
    assert.equal(b.attributes[`${A.TRACE_METADATA_PREFIX}bad key`], undefined, "the key with a space is dropped");
    // The valid entries of the same header are kept.
    assert.equal(b.attributes[A.TRACE_SESSION_ID], "session_ok");
    assert.equal(b.attributes[`${A.TRACE_METADATA_PREFIX}good_key`], "fine");
    assert.deepEqual(b.attributes[A.TRACE_TAGS], ["ok-tag"]);

    const warnings = lines.filter((l) => l.startsWith("WARN"));
    assert.ok(
      warnings.some((w) => w.includes("inbound baggage") && w.includes("userId") && w.includes("300")),
      `warns about the user id: ${warnings.join(" | ")}`,
    );
    assert.ok(
      warnings.some((w) => w.includes("inbound baggage") && w.includes('"bad key"')),
      `warns about the metadata key: ${warnings.join(" | ")}`,
    );
  });

  it("the same invalid values given locally are dropped with the same warnings", async () => {
    const { lines } = await captureLogs(() =>
      propagateAttributes({ userId: "u".repeat(300), metadata: { "bad key": "evil" } }, () =>
        startActiveObservation("local", async () => undefined),
      ),
    );
    const local = byName(takeSpans(), "local");
    assert.equal(local.attributes[A.TRACE_USER_ID], undefined);
    assert.equal(local.attributes[`${A.TRACE_METADATA_PREFIX}bad key`], undefined);
    const normalised = lines.map((l) => l.replace("propagateAttributes:", "<source>:"));
    assert.ok(normalised.some((l) => l.includes("<source>: userId is 300 characters")), normalised.join(" | "));
    assert.ok(normalised.some((l) => l.includes('<source>: metadata key "bad key"')), normalised.join(" | "));
  });

  it("without asBaggage nothing leaks into the outbound headers: no baggage, no langfuse_trace_id; B gets no user or session", async () => {
    const response = await fetch(`${serviceA.origin}/checkout?asBaggage=false`);
    assert.equal(await response.text(), "A got: done by B");

    const headers = serviceB.received[0];
    assert.ok(headers !== undefined);
    assert.equal(headers.baggage, undefined, `no baggage header: ${String(headers.baggage)}`);
    for (const [name, value] of Object.entries(headers)) {
      assert.doesNotMatch(`${name}: ${String(value)}`, /langfuse_|user_123|session_abc|acme/, name);
    }

    const spans = takeSpans();
    const a = byName(spans, "service-a-handler");
    const b: ReadableSpan = byName(spans, "service-b-handler");
    // The trace itself still joins up: traceparent is context, not attributes.
    assert.equal(headers.traceparent, `00-${a.spanContext().traceId}-${a.spanContext().spanId}-01`);
    assert.equal(b.parentSpanContext?.spanId, a.spanContext().spanId);
    assert.equal(a.attributes[A.TRACE_USER_ID], "user_123", "A still has its attributes locally");
    assert.equal(b.attributes[A.TRACE_USER_ID], undefined);
    assert.equal(b.attributes[A.TRACE_SESSION_ID], undefined);
    assert.equal(b.attributes[A.TRACE_TAGS], undefined);
  });

  it("an active observation alone puts nothing into baggage (Langfuse adds langfuse_trace_id to every scope)", async () => {
    const headers: Record<string, string> = {};
    await startActiveObservation("no-claims", async () => {
      propagation.inject(context.active(), headers);
    });
    takeSpans();
    assert.equal(headers.baggage, undefined);
    assert.match(headers.traceparent ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
