import { context } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import type { ObservationType } from "@sightline/core";
import type { Observation } from "./observation.js";

/** How a wrapped stream reports back to its observation. */
export interface StreamObserver {
  readonly observation: Observation<ObservationType>;
  /** The context the stream's producer runs in (the observation is active in it). */
  readonly activeContext: Context;
  readonly captureOutput: boolean;
  readonly endOnExit: boolean;
}

const tag = (value: unknown): string => Object.prototype.toString.call(value);

/** True for async generators and other async iterables that are not plain data. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}

/** True for sync generator objects (arrays, strings, maps... are data, not streams). */
export function isSyncGenerator(value: unknown): value is Generator<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { next?: unknown }).next === "function" &&
    tag(value) === "[object Generator]"
  );
}

/**
 * What a stream has produced so far: the first chunk sets `completionStartTime`, the chunks become
 * the output (joined text when every chunk is a string, else the array), and the stream's end,
 * failure or early stop ends the observation once.
 */
class StreamProgress {
  private readonly chunks: unknown[] = [];
  private allStrings = true;
  private first = true;

  constructor(private readonly observer: StreamObserver) {}

  /** Records one read: a chunk, or the end of the stream. */
  record(result: { done?: boolean; value?: unknown }): void {
    if (result.done) {
      this.finish();
      return;
    }
    if (this.first) {
      this.first = false;
      this.observer.observation.update({ completionStartTime: new Date() });
    }
    if (!this.observer.captureOutput) return;
    if (typeof result.value !== "string") this.allStrings = false;
    this.chunks.push(result.value);
  }

  /** Ends the observation with what was produced (and the error, if the stream failed). */
  finish(error?: unknown): void {
    const { observation, captureOutput, endOnExit } = this.observer;
    if (observation.isEnded) return;
    if (error !== undefined) observation.recordError(error);
    if (captureOutput) observation.update({ output: this.allStrings ? this.chunks.join("") : this.chunks });
    if (endOnExit) observation.end();
  }
}

function instrumentAsyncIterator<T>(iterator: AsyncIterator<T>, observer: StreamObserver): AsyncIterator<T> {
  const progress = new StreamProgress(observer);
  return {
    async next(...args: [] | [unknown]) {
      try {
        const result = await context.with(observer.activeContext, () => iterator.next(...args));
        progress.record(result);
        return result;
      } catch (error) {
        progress.finish(error);
        throw error;
      }
    },
    async return(value?: unknown) {
      // The consumer stopped early (break): end with what was produced so far.
      progress.finish();
      if (typeof iterator.return === "function") return iterator.return(value as T);
      return { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      progress.finish(error);
      if (typeof iterator.throw === "function") return iterator.throw(error);
      throw error;
    },
  };
}

/**
 * Wraps an async iterable (an LLM stream, an async generator) so that the observation ends when
 * the stream is consumed, with `completionStartTime` at the first chunk and the chunks as output.
 * Other properties of the stream object (e.g. `controller`, `toReadableStream`) stay reachable.
 */
export function wrapAsyncIterable<S extends AsyncIterable<unknown>>(stream: S, observer: StreamObserver): S {
  if (tag(stream) === "[object AsyncGenerator]") {
    const generator = stream as unknown as AsyncGenerator<unknown>;
    const instrumented = instrumentAsyncIterator(generator, observer);
    const wrapper = {
      next: (...args: [] | [unknown]) => instrumented.next(...args),
      return: (value?: unknown) => instrumented.return!(value),
      throw: (error?: unknown) => instrumented.throw!(error),
      [Symbol.asyncIterator]() {
        return this;
      },
      [Symbol.toStringTag]: "AsyncGenerator",
    };
    return wrapper as unknown as S;
  }
  const isWebStream = typeof ReadableStream === "function" && stream instanceof ReadableStream;
  return new Proxy(stream, {
    get(target, property, _receiver) {
      if (isWebStream) {
        const web = target as unknown as ReadableStream<unknown>;
        if (property === "getReader") {
          return (options?: { mode?: "byob" }) => {
            if (options?.mode === "byob") {
              new StreamProgress({ ...observer, captureOutput: false }).finish(); // byte readers are not followed
              return web.getReader({ mode: "byob" });
            }
            return instrumentReader(web.getReader(), observer);
          };
        }
        if (property === "pipeTo" || property === "pipeThrough" || property === "tee") {
          // Handed to another consumer we cannot follow: end the observation at hand-off.
          new StreamProgress({ ...observer, captureOutput: false }).finish();
        }
      }
      if (property === Symbol.asyncIterator) {
        return () => instrumentAsyncIterator(target[Symbol.asyncIterator](), observer);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Wraps a sync generator the same way: the observation ends when it is exhausted or returned. */
export function wrapSyncGenerator<T>(generator: Generator<T>, observer: StreamObserver): Generator<T> {
  const progress = new StreamProgress(observer);
  const wrapper: Generator<T> = {
    next(...args: [] | [unknown]) {
      try {
        const result = context.with(observer.activeContext, () => generator.next(...args));
        progress.record(result);
        return result;
      } catch (error) {
        progress.finish(error);
        throw error;
      }
    },
    return(value: unknown) {
      progress.finish();
      return generator.return(value);
    },
    throw(error: unknown) {
      progress.finish(error);
      return generator.throw(error);
    },
    [Symbol.iterator]() {
      return this;
    },
    [Symbol.toStringTag]: "Generator",
  } as Generator<T>;
  return wrapper;
}

function instrumentReader<T>(reader: ReadableStreamDefaultReader<T>, observer: StreamObserver): ReadableStreamDefaultReader<T> {
  const progress = new StreamProgress(observer);
  return new Proxy(reader, {
    get(target, property) {
      if (property === "read") {
        return async () => {
          try {
            const result = await target.read();
            progress.record(result);
            return result;
          } catch (error) {
            progress.finish(error);
            throw error;
          }
        };
      }
      if (property === "cancel" || property === "releaseLock") progress.finish();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
