import { describe, it, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, context, propagation, trace } from "@opentelemetry/api";
import {
  SightlineAttributes as A,
  getPropagatedAttributes,
  propagateAttributes,
  startActiveObservation,
  startObservation,
} from "@sightline/tracing";
import { byName, captureLogs, recordSpans, takeSpans } from "./support/in-memory.js";

before(() => recordSpans());
beforeEach(() => takeSpans());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("propagateAttributes", () => {
  it("gives every observation started inside the user, session, version, name, tags and metadata", async () => {
    await startActiveObservation("user-workflow", async () => {
      await propagateAttributes(
        {
          userId: "user_123",
          sessionId: "session_abc",
          metadata: { experiment: "variant_a", env: "prod" },
          version: "1.0",
          traceName: "user-workflow",
          tags: ["beta"],
        },
        async () => {
          await sleep(1);
          startObservation("llm-call", { model: "gpt-4" }, { asType: "generation" }).end();
        },
      );
    });
    for (const span of takeSpans()) {
      assert.equal(span.attributes[A.TRACE_USER_ID], "user_123", span.name);
      assert.equal(span.attributes[A.TRACE_SESSION_ID], "session_abc", span.name);
      assert.equal(span.attributes[A.VERSION], "1.0", span.name);
      assert.equal(span.attributes[A.TRACE_NAME], "user-workflow", span.name);
      assert.deepEqual(span.attributes[A.TRACE_TAGS], ["beta"], span.name);
      assert.equal(span.attributes[`${A.TRACE_METADATA_PREFIX}experiment`], "variant_a", span.name);
      assert.equal(span.attributes[`${A.TRACE_METADATA_PREFIX}env`], "prod", span.name);
    }
  });

  it("returns the callback's value, sync or async", async () => {
    assert.equal(propagateAttributes({ userId: "u" }, () => 7), 7);
    assert.equal(await propagateAttributes({ userId: "u" }, async () => 8), 8);
  });

  it("merges nested scopes: inner values win, tags are unioned, metadata is merged", () => {
    propagateAttributes({ userId: "outer", tags: ["a", "b"], metadata: { k1: "1", k2: "2" } }, () => {
      propagateAttributes({ userId: "inner", tags: ["b", "c"], metadata: { k2: "two", k3: "3" } }, () => {
        startObservation("inner-obs").end();
      });
      startObservation("outer-obs").end();
    });
    const spans = takeSpans();
    const inner = byName(spans, "inner-obs").attributes;
    assert.equal(inner[A.TRACE_USER_ID], "inner");
    assert.deepEqual(inner[A.TRACE_TAGS], ["a", "b", "c"]);
    assert.equal(inner[`${A.TRACE_METADATA_PREFIX}k1`], "1");
    assert.equal(inner[`${A.TRACE_METADATA_PREFIX}k2`], "two");
    assert.equal(inner[`${A.TRACE_METADATA_PREFIX}k3`], "3");
    const outer = byName(spans, "outer-obs").attributes;
    assert.equal(outer[A.TRACE_USER_ID], "outer");
    assert.deepEqual(outer[A.TRACE_TAGS], ["a", "b"]);
    assert.equal(outer[`${A.TRACE_METADATA_PREFIX}k3`], undefined);
  });

  it("sets the attributes on the observation that is active when it is called", () => {
    startActiveObservation("root", () => {
      propagateAttributes({ sessionId: "s-1" }, () => undefined);
    });
    assert.equal(byName(takeSpans(), "root").attributes[A.TRACE_SESSION_ID], "s-1");
  });

  it("keeps concurrent requests apart", async () => {
    const handle = (user: string, delay: number) =>
      propagateAttributes({ userId: user }, () =>
        startActiveObservation(`request-${user}`, async () => {
          await sleep(delay);
          startObservation(`work-${user}`).end();
          await sleep(delay);
          startObservation(`more-${user}`).end();
        }),
      );
    await Promise.all([handle("alice", 5), handle("bob", 2), handle("carol", 3)]);
    const spans = takeSpans();
    assert.equal(spans.length, 9);
    for (const span of spans) {
      const user = span.name.split("-")[1];
      assert.equal(span.attributes[A.TRACE_USER_ID], user, span.name);
    }
    assert.notEqual(byName(spans, "work-alice").spanContext().traceId, byName(spans, "work-bob").spanContext().traceId);
  });

  it("gives spans of other OpenTelemetry instrumentations the attributes through getPropagatedAttributes", () => {
    propagateAttributes({ userId: "u-9", tags: ["x"] }, () => {
      assert.deepEqual(getPropagatedAttributes(context.active()), {
        [A.TRACE_USER_ID]: "u-9",
        [A.TRACE_TAGS]: ["x"],
      });
    });
    assert.equal(getPropagatedAttributes(context.active()), undefined);
  });

  it("drops invalid values with a warning and keeps the valid ones", async () => {
    const { lines } = await captureLogs(() =>
      propagateAttributes(
        {
          userId: "u".repeat(201),
          sessionId: "ok-session",
          version: 3 as unknown as string,
          tags: ["fine", "t".repeat(250), 5 as unknown as string],
          metadata: { good: "yes", "bad key!": "v", long: "v".repeat(201), num: 1 as unknown as string },
          environment: "Langfuse-Prod",
        },
        () => startObservation("validated").end(),
      ),
    );
    const attrs = byName(takeSpans(), "validated").attributes;
    assert.equal(attrs[A.TRACE_USER_ID], undefined);
    assert.equal(attrs[A.TRACE_SESSION_ID], "ok-session");
    assert.equal(attrs[A.VERSION], undefined);
    assert.deepEqual(attrs[A.TRACE_TAGS], ["fine"]);
    assert.equal(attrs[`${A.TRACE_METADATA_PREFIX}good`], "yes");
    assert.equal(attrs[`${A.TRACE_METADATA_PREFIX}bad key!`], undefined);
    assert.equal(attrs[`${A.TRACE_METADATA_PREFIX}long`], undefined);
    assert.equal(attrs[`${A.TRACE_METADATA_PREFIX}num`], undefined);
    assert.equal(attrs[A.ENVIRONMENT], undefined);
    const log = lines.join("\n");
    for (const expected of [/userId is 201 characters/, /version must be a string/, /tag is 250/, /tag must be a string/, /"bad key!"/, /metadata\.long is 201/, /metadata\.num must be a string/, /environment/]) {
      assert.match(log, expected);
    }
    assert.ok(lines.every((l) => l.startsWith("WARN")), "warnings, not errors");
  });

  it("writes W3C baggage only with asBaggage", () => {
    const carrierWithout: Record<string, string> = {};
    const carrierWith: Record<string, string> = {};
    startActiveObservation("api-request", () => {
      propagateAttributes({ userId: "user_123", sessionId: "session_abc" }, () => {
        propagation.inject(context.active(), carrierWithout);
      });
      propagateAttributes(
        { userId: "user_123", sessionId: "session_abc", tags: ["a", "b"], metadata: { plan: "pro" }, asBaggage: true },
        () => {
          propagation.inject(context.active(), carrierWith);
        },
      );
    });
    assert.equal(carrierWithout.baggage, undefined, "nothing leaks into outbound headers by default");
    assert.ok(carrierWithout.traceparent);
    const entries = new Map(carrierWith.baggage!.split(",").map((kv) => kv.split("=") as [string, string]));
    assert.equal(entries.get("langfuse_user_id"), "user_123");
    assert.equal(entries.get("langfuse_session_id"), "session_abc");
    assert.equal(decodeURIComponent(entries.get("langfuse_tags")!), "a,b");
    assert.equal(entries.get("langfuse_metadata_plan"), "pro");
  });

  it("turns validated inbound langfuse_ baggage into attributes and drops invalid entries", async () => {
    const headers = {
      traceparent: "00-abcdef1234567890abcdef1234567890-fedcba0987654321-01",
      baggage: `langfuse_user_id=remote-user,langfuse_session_id=${"s".repeat(300)},langfuse_tags=a%2Cb,langfuse_metadata_tier=gold,other=ignored`,
    };
    const remote = propagation.extract(ROOT_CONTEXT, headers);
    const { lines } = await captureLogs(() =>
      context.with(remote, () => startActiveObservation("downstream", () => startObservation("child").end())),
    );
    const spans = takeSpans();
    for (const name of ["downstream", "child"]) {
      const attrs = byName(spans, name).attributes;
      assert.equal(attrs[A.TRACE_USER_ID], "remote-user", name);
      assert.equal(attrs[A.TRACE_SESSION_ID], undefined, name);
      assert.deepEqual(attrs[A.TRACE_TAGS], ["a", "b"], name);
      assert.equal(attrs[`${A.TRACE_METADATA_PREFIX}tier`], "gold", name);
      assert.equal(attrs["other"], undefined, name);
    }
    assert.equal(byName(spans, "downstream").spanContext().traceId, "abcdef1234567890abcdef1234567890");
    assert.match(lines.join("\n"), /inbound baggage: sessionId is 300 characters/);
  });

  it("lets a local scope override inbound baggage values", () => {
    const remote = propagation.extract(ROOT_CONTEXT, { baggage: "langfuse_user_id=remote,langfuse_tags=r" });
    context.with(remote, () =>
      propagateAttributes({ userId: "local", tags: ["l"] }, () => startObservation("merged").end()),
    );
    const attrs = byName(takeSpans(), "merged").attributes;
    assert.equal(attrs[A.TRACE_USER_ID], "local");
    assert.deepEqual(attrs[A.TRACE_TAGS], ["r", "l"]);
  });

  it("still runs the callback when there is no active observation", () => {
    assert.equal(trace.getActiveSpan(), undefined);
    assert.equal(propagateAttributes({ userId: "u" }, () => "ran"), "ran");
  });
});
