import { describe, it, before, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { SightlineAttributes as A, observe, startActiveObservation } from "@sightline/tracing";
import { byName, captureLogs, recordSpans, takeSpans, trees } from "./support/in-memory.js";

before(() => recordSpans());
beforeEach(() => takeSpans());

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

describe("observe", () => {
  it("records one argument as input and the return value as output of a sync function", () => {
    const double = observe((x: number) => ({ doubled: x * 2 }), { name: "double" });
    assert.deepEqual(double(21), { doubled: 42 });
    const span = byName(takeSpans(), "double");
    assert.equal(span.attributes[A.OBSERVATION_INPUT], "21");
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], '{"doubled":42}');
    assert.equal(span.attributes[A.OBSERVATION_TYPE], "span");
  });

  it("records several arguments as an array and no input for none", async () => {
    const join = observe(async (a: string, b: string) => a + b, { name: "join", asType: "tool" });
    const none = observe(() => "x", { name: "none" });
    assert.equal(await join("a", "b"), "ab");
    none();
    const spans = takeSpans();
    assert.equal(byName(spans, "join").attributes[A.OBSERVATION_INPUT], '["a","b"]');
    assert.equal(byName(spans, "join").attributes[A.OBSERVATION_OUTPUT], "ab");
    assert.equal(byName(spans, "join").attributes[A.OBSERVATION_TYPE], "tool");
    assert.equal(byName(spans, "none").attributes[A.OBSERVATION_INPUT], undefined);
  });

  it("names the observation after the function and keeps the wrapper's name and arity", () => {
    function fetchData(_source: string, _retries: number) {
      return 1;
    }
    const traced = observe(fetchData);
    assert.equal(traced.name, "fetchData");
    assert.equal(traced.length, 2);
    traced("api", 3);
    assert.equal(takeSpans()[0]!.name, "fetchData");
    observe(() => 1)();
    assert.equal(takeSpans()[0]!.name, "anonymous-function");
  });

  it("keeps `this` for methods", () => {
    class Service {
      prefix = "svc:";
      run(x: string) {
        return this.prefix + x;
      }
    }
    Service.prototype.run = observe(Service.prototype.run, { name: "Service.run" });
    assert.equal(new Service().run("a"), "svc:a");
    assert.equal(byName(takeSpans(), "Service.run").attributes[A.OBSERVATION_OUTPUT], "svc:a");
  });

  it("nests observe calls by the call hierarchy, also across awaits", async () => {
    const leaf = observe(async (x: number) => {
      await tick();
      return x;
    }, { name: "leaf" });
    const main = observe(async () => {
      await leaf(1);
      await leaf(2);
      return "done";
    }, { name: "main" });
    await main();
    assert.deepEqual(trees(takeSpans()), [
      {
        name: "main",
        type: "span",
        children: [
          { name: "leaf", type: "span", children: [] },
          { name: "leaf", type: "span", children: [] },
        ],
      },
    ]);
  });

  it("does not capture input or output when told not to", () => {
    observe((s: string) => s.toUpperCase(), { name: "secret", captureInput: false, captureOutput: false })("pw");
    const span = byName(takeSpans(), "secret");
    assert.equal(span.attributes[A.OBSERVATION_INPUT], undefined);
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], undefined);
  });

  it("reads SIGHTLINE_OBSERVE_DECORATOR_IO_CAPTURE_ENABLED (and the LANGFUSE_ name) when wrapping", () => {
    for (const name of ["SIGHTLINE_OBSERVE_DECORATOR_IO_CAPTURE_ENABLED", "LANGFUSE_OBSERVE_DECORATOR_IO_CAPTURE_ENABLED"]) {
      process.env[name] = "false";
      try {
        const off = observe((s: string) => s, { name: "off" });
        const forced = observe((s: string) => s, { name: "forced", captureOutput: true });
        off("in");
        forced("in");
      } finally {
        delete process.env[name];
      }
      const spans = takeSpans();
      assert.equal(byName(spans, "off").attributes[A.OBSERVATION_INPUT], undefined, name);
      assert.equal(byName(spans, "off").attributes[A.OBSERVATION_OUTPUT], undefined, name);
      assert.equal(byName(spans, "forced").attributes[A.OBSERVATION_INPUT], undefined, name);
      assert.equal(byName(spans, "forced").attributes[A.OBSERVATION_OUTPUT], "in", name);
    }
  });

  it("records a rejection as an error on every channel and rethrows it", async () => {
    const failing = observe(async () => {
      throw new Error("upstream 503");
    }, { name: "failing" });
    await assert.rejects(failing(), /upstream 503/);
    const span = byName(takeSpans(), "failing");
    assert.equal(span.attributes[A.OBSERVATION_LEVEL], "ERROR");
    assert.equal(span.attributes[A.OBSERVATION_STATUS_MESSAGE], "upstream 503");
    assert.deepEqual(span.status, { code: 2, message: "upstream 503" });
    assert.equal(span.events[0]?.name, "exception");
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], '{"error":"Error: upstream 503"}');
    assert.ok(span.ended);
  });

  it("keeps an async generator's observation open until it is consumed, with the first chunk time", async () => {
    const stream = observe(async function* tokens(prompt: string) {
      await tick();
      yield `${prompt}:`;
      await tick();
      yield "Par";
      yield "is";
    }, { name: "stream", asType: "generation" });
    const before = Date.now();
    const chunks: string[] = [];
    const iterable = stream("q");
    assert.equal(takeSpans().length, 0, "not ended before consumption");
    for await (const chunk of iterable) chunks.push(chunk);
    assert.deepEqual(chunks, ["q:", "Par", "is"]);
    const span = byName(takeSpans(), "stream");
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], "q:Paris");
    const first = Date.parse(JSON.parse(span.attributes[A.OBSERVATION_COMPLETION_START_TIME] as string) as string);
    assert.ok(first >= before - 1, "completionStartTime is at the first chunk");
    const end = span.endTime[0] * 1000 + span.endTime[1] / 1e6;
    assert.ok(end >= first, "ends after the first chunk");
  });

  it("makes the observation the parent of observations started inside the generator body", async () => {
    const gen = observe(async function* outer() {
      yield await startActiveObservation("inside", async () => 1);
    }, { name: "outer" });
    await startActiveObservation("consumer", async () => {
      for await (const _ of gen()) void _;
    });
    assert.deepEqual(trees(takeSpans()), [
      {
        name: "consumer",
        type: "span",
        children: [{ name: "outer", type: "span", children: [{ name: "inside", type: "span", children: [] }] }],
      },
    ]);
  });

  it("ends a stream the consumer stops early, with the chunks seen so far", async () => {
    const gen = observe(async function* numbers() {
      yield 1;
      yield 2;
      yield 3;
    }, { name: "numbers" });
    for await (const n of gen()) if (n === 2) break;
    const span = byName(takeSpans(), "numbers");
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], "[1,2]");
  });

  it("records an error thrown mid-stream", async () => {
    const gen = observe(async function* broken() {
      yield "a";
      throw new Error("stream cut");
    }, { name: "broken" });
    await assert.rejects(async () => {
      for await (const _ of gen()) void _;
    }, /stream cut/);
    const span = byName(takeSpans(), "broken");
    assert.equal(span.attributes[A.OBSERVATION_LEVEL], "ERROR");
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], "a");
  });

  it("wraps a stream object returned by a promise (like an SDK's stream) and keeps its other members", async () => {
    class FakeStream {
      controller = { aborted: false };
      async *[Symbol.asyncIterator]() {
        yield { delta: "Hel" };
        yield { delta: "lo" };
      }
      toText() {
        return "text";
      }
    }
    const create = observe(async () => new FakeStream(), { name: "chat", asType: "generation" });
    const stream = await create();
    assert.equal(stream.toText(), "text");
    assert.deepEqual(stream.controller, { aborted: false });
    const deltas: string[] = [];
    for await (const c of stream) deltas.push(c.delta);
    assert.deepEqual(deltas, ["Hel", "lo"]);
    const span = byName(takeSpans(), "chat");
    assert.equal(span.attributes[A.OBSERVATION_OUTPUT], '[{"delta":"Hel"},{"delta":"lo"}]');
    assert.ok(span.attributes[A.OBSERVATION_COMPLETION_START_TIME]);
  });

  it("follows a web ReadableStream read through getReader()", async () => {
    const make = observe(() =>
      new ReadableStream<string>({
        start(controller) {
          controller.enqueue("a");
          controller.enqueue("b");
          controller.close();
        },
      }), { name: "web" });
    const reader = make().getReader();
    const got: string[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
    assert.deepEqual(got, ["a", "b"]);
    assert.equal(byName(takeSpans(), "web").attributes[A.OBSERVATION_OUTPUT], "ab");
  });

  it("wraps sync generators", () => {
    const gen = observe(function* letters() {
      yield "x";
      yield "y";
    }, { name: "letters" });
    assert.deepEqual([...gen()], ["x", "y"]);
    assert.equal(byName(takeSpans(), "letters").attributes[A.OBSERVATION_OUTPUT], "xy");
  });

  it("does not end the observation when endOnExit is false", () => {
    observe(() => 1, { name: "open", endOnExit: false })();
    assert.equal(takeSpans().length, 0);
  });

  it("warns and returns the value unchanged when given something that is not a function", async () => {
    const { result, lines } = await captureLogs(() => observe(42 as unknown as () => number));
    assert.equal(result, 42);
    assert.match(lines.join("\n"), /observe\(\) needs a function/);
  });
});

afterEach(() => takeSpans());
