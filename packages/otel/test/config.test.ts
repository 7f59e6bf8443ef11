import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_BASE_URL,
  DEFAULT_FLUSH_AT,
  DEFAULT_FLUSH_INTERVAL_MILLIS,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MILLIS,
  parseOtlpHeaders,
  resolveConfig,
} from "@sightline/otel";
import type { SightlineSpanProcessorOptions } from "@sightline/otel";

const KEYS = { publicKey: "pk", secretKey: "sk" };

function resolve(input: SightlineSpanProcessorOptions, env: Record<string, string> = {}) {
  return resolveConfig({ ...KEYS, ...input }, env);
}

describe("resolveConfig", () => {
  it("uses the named defaults when nothing is set", () => {
    const { config, warnings } = resolve({});
    assert.deepEqual(warnings, []);
    assert.equal(config.baseUrl, DEFAULT_BASE_URL);
    assert.equal(config.endpoint, `${DEFAULT_BASE_URL}/api/public/otel/v1/traces`);
    assert.equal(config.exportMode, "batched");
    assert.equal(config.flushAt, DEFAULT_FLUSH_AT);
    assert.equal(config.flushIntervalMillis, DEFAULT_FLUSH_INTERVAL_MILLIS);
    assert.equal(config.maxQueueSize, DEFAULT_MAX_QUEUE_SIZE);
    assert.equal(config.timeoutMillis, DEFAULT_TIMEOUT_MILLIS);
    assert.equal(config.maxRetries, DEFAULT_MAX_RETRIES);
    assert.equal(config.compression, "none");
    assert.equal(config.sampleRate, 1);
    assert.equal(config.enabled, true);
    assert.equal(config.environment, undefined);
    assert.deepEqual(config.headers, {});
  });

  it("prefers an option over SIGHTLINE_* over LANGFUSE_* over the default", () => {
    const env = { SIGHTLINE_FLUSH_AT: "20", LANGFUSE_FLUSH_AT: "30" };
    assert.equal(resolve({ flushAt: 10 }, env).config.flushAt, 10);
    assert.equal(resolve({}, env).config.flushAt, 20);
    assert.equal(resolve({}, { LANGFUSE_FLUSH_AT: "30" }).config.flushAt, 30);
    assert.equal(resolve({}, { SIGHTLINE_FLUSH_AT: "", LANGFUSE_FLUSH_AT: "30" }).config.flushAt, 30, "empty counts as unset");

    const keys = resolveConfig({}, { SIGHTLINE_PUBLIC_KEY: "pk-s", LANGFUSE_PUBLIC_KEY: "pk-l", LANGFUSE_SECRET_KEY: "sk-l" });
    assert.equal(keys.config.publicKey, "pk-s");
    assert.equal(keys.config.secretKey, "sk-l");
    assert.equal(resolveConfig({ publicKey: "pk-o" }, { SIGHTLINE_PUBLIC_KEY: "pk-s" }).config.publicKey, "pk-o");

    const environments = { SIGHTLINE_TRACING_ENVIRONMENT: "dev", LANGFUSE_TRACING_ENVIRONMENT: "prod" };
    assert.equal(resolve({}, environments).config.environment, "dev");
    assert.equal(resolve({}, { LANGFUSE_RELEASE: "r1" }).config.release, "r1");
    assert.equal(resolve({}, { LANGFUSE_SAMPLE_RATE: "0.25" }).config.sampleRate, 0.25);
    assert.equal(resolve({}, { SIGHTLINE_MAX_QUEUE_SIZE: "10000" }).config.maxQueueSize, 10_000);
    assert.equal(resolve({}, { LANGFUSE_TRACING_ENABLED: "false" }).config.enabled, false);
    assert.equal(resolve({ enabled: true }, { LANGFUSE_TRACING_ENABLED: "false" }).config.enabled, true);
  });

  it("reads the base URL from SIGHTLINE_BASE_URL, LANGFUSE_BASE_URL or legacy LANGFUSE_BASEURL, minus trailing slashes", () => {
    assert.equal(resolve({}, { LANGFUSE_BASEURL: "http://legacy:3000/" }).config.baseUrl, "http://legacy:3000");
    assert.equal(
      resolve({}, { LANGFUSE_BASE_URL: "https://lf.example.com", LANGFUSE_BASEURL: "http://legacy" }).config.baseUrl,
      "https://lf.example.com",
    );
    const { config } = resolve({ baseUrl: "https://sightline.example.com/prefix//" }, { SIGHTLINE_BASE_URL: "http://env" });
    assert.equal(config.baseUrl, "https://sightline.example.com/prefix");
    assert.equal(config.endpoint, "https://sightline.example.com/prefix/api/public/otel/v1/traces");
  });

  it("takes the flush interval in milliseconds, or in seconds from the Langfuse-compatible names", () => {
    assert.equal(resolve({ flushIntervalMillis: 250 }).config.flushIntervalMillis, 250);
    assert.equal(resolve({ flushInterval: 2 }).config.flushIntervalMillis, 2_000);
    assert.equal(resolve({ flushIntervalMillis: 250, flushInterval: 2 }).config.flushIntervalMillis, 250);
    assert.equal(resolve({}, { LANGFUSE_FLUSH_INTERVAL: "3" }).config.flushIntervalMillis, 3_000);
    assert.equal(
      resolve({}, { SIGHTLINE_FLUSH_INTERVAL_MILLIS: "700", LANGFUSE_FLUSH_INTERVAL: "3" }).config.flushIntervalMillis,
      700,
    );
    assert.equal(resolve({ flushInterval: 1 }, { SIGHTLINE_FLUSH_INTERVAL_MILLIS: "700" }).config.flushIntervalMillis, 1_000);
  });

  it("takes the request timeout in milliseconds, or in seconds from the Langfuse-compatible names", () => {
    assert.equal(resolve({ timeoutMillis: 1_500 }).config.timeoutMillis, 1_500);
    assert.equal(resolve({ timeout: 5 }).config.timeoutMillis, 5_000);
    assert.equal(resolve({}, { LANGFUSE_TIMEOUT: "20" }).config.timeoutMillis, 20_000);
    assert.equal(resolve({}, { SIGHTLINE_TIMEOUT_MILLIS: "800", LANGFUSE_TIMEOUT: "20" }).config.timeoutMillis, 800);
  });

  it("replaces each invalid value by its default with one warning naming the option or variable", () => {
    const { config, warnings } = resolve(
      {
        flushAt: 0,
        sampleRate: 1.5,
        exportMode: "sometimes" as "batched",
        compression: "brotli" as "gzip",
        baseUrl: "ftp://nope",
        timeout: -1,
      },
      { LANGFUSE_MAX_QUEUE_SIZE: "lots", SIGHTLINE_TRACING_ENABLED: "maybe", LANGFUSE_FLUSH_INTERVAL: "NaN" },
    );
    assert.equal(config.flushAt, DEFAULT_FLUSH_AT);
    assert.equal(config.sampleRate, 1);
    assert.equal(config.exportMode, "batched");
    assert.equal(config.compression, "none");
    assert.equal(config.baseUrl, DEFAULT_BASE_URL);
    assert.equal(config.timeoutMillis, DEFAULT_TIMEOUT_MILLIS);
    assert.equal(config.maxQueueSize, DEFAULT_MAX_QUEUE_SIZE);
    assert.equal(config.enabled, true);
    assert.equal(config.flushIntervalMillis, DEFAULT_FLUSH_INTERVAL_MILLIS);
    const expectedNames = [
      'option "flushAt"',
      'option "sampleRate"',
      'option "exportMode"',
      'option "compression"',
      'option "baseUrl"',
      'option "timeout"',
      "LANGFUSE_MAX_QUEUE_SIZE",
      "SIGHTLINE_TRACING_ENABLED",
      "LANGFUSE_FLUSH_INTERVAL",
    ];
    assert.equal(warnings.length, expectedNames.length, warnings.join("\n"));
    for (const name of expectedNames) {
      assert.equal(warnings.filter((w) => w.includes(name)).length, 1, `one warning for ${name}: ${warnings.join("\n")}`);
    }
    assert.ok(warnings.every((w) => w.includes("using the default")));
  });

  it("clamps flushAt to maxQueueSize with a warning", () => {
    const { config, warnings } = resolve({ flushAt: 100, maxQueueSize: 10 });
    assert.equal(config.flushAt, 10);
    assert.equal(warnings.length, 1);
  });

  it("rejects an environment the server would reject", () => {
    const { config, warnings } = resolve({ environment: "Production!" });
    assert.equal(config.environment, undefined);
    assert.match(warnings[0] ?? "", /environment "Production!"/);
  });

  it("warns that exports will fail with 401 when keys are missing, unless a custom exporter is used", () => {
    const missing = resolveConfig({}, {});
    assert.equal(missing.warnings.length, 1);
    assert.match(missing.warnings[0] ?? "", /No publicKey and secretKey configured.*exports will fail with 401/);
    const exporter = { export: () => undefined, shutdown: async () => undefined };
    assert.deepEqual(resolveConfig({ exporter }, {}).warnings, []);
    assert.deepEqual(resolveConfig({ enabled: false }, {}).warnings, []);
  });

  it("picks the compression from SIGHTLINE_EXPORT_COMPRESSION, then the OTLP traces variable, then the generic one", () => {
    assert.equal(resolve({}, { OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" }).config.compression, "gzip");
    assert.equal(
      resolve({}, { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "none", OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" }).config.compression,
      "none",
    );
    assert.equal(
      resolve({}, { SIGHTLINE_EXPORT_COMPRESSION: "gzip", OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: "none" }).config.compression,
      "gzip",
    );
    assert.equal(resolve({ compression: "none" }, { SIGHTLINE_EXPORT_COMPRESSION: "gzip" }).config.compression, "none");
  });

  it("merges OTLP header variables under additionalHeaders, URL-decoded, with lower-case names", () => {
    const { config } = resolve(
      { additionalHeaders: { "X-Override": "option" } },
      {
        OTEL_EXPORTER_OTLP_HEADERS: "x-generic=1,x-override=generic,x-space=a%20b",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "X-Generic=traces",
      },
    );
    assert.deepEqual(config.headers, { "x-generic": "traces", "x-override": "option", "x-space": "a b" });
  });

  it("never throws, whatever it is given", () => {
    for (const input of [null, 42, "options", { flushAt: "ten", mask: "nope", additionalHeaders: ["x"], exporter: {} }]) {
      const { config, warnings } = resolveConfig(input as SightlineSpanProcessorOptions, {});
      assert.equal(config.flushAt, DEFAULT_FLUSH_AT);
      assert.equal(config.mask, undefined);
      assert.equal(config.exporter, undefined);
      assert.ok(warnings.length >= 1);
    }
  });

  it("reads the environment only when called", () => {
    const env: Record<string, string> = {};
    const before = resolve({}, env).config.flushAt;
    env.SIGHTLINE_FLUSH_AT = "7";
    assert.equal(before, DEFAULT_FLUSH_AT);
    assert.equal(resolve({}, env).config.flushAt, 7);
  });
});

describe("parseOtlpHeaders", () => {
  it("parses comma-separated key=value pairs and reports malformed ones", () => {
    assert.deepEqual(parseOtlpHeaders(" a = 1 ,b=x%3Dy,broken,=novalue,c=%E0%A4%A"), {
      headers: { a: "1", b: "x=y" },
      invalid: ["broken", "=novalue", "c=%E0%A4%A"],
    });
  });
});
