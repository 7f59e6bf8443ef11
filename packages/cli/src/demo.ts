import { parseArgs } from "node:util";
import { errorMessage, readEnv } from "@sightline/core";
import { DEFAULT_BASE_URL, registerSightline } from "@sightline/otel";
import { APP_SCENARIOS } from "./demo-app-scenarios.js";
import { SPEC_EXAMPLES } from "./demo-spec-examples.js";
import { EXIT } from "./cli-io.js";
import type { CliIo } from "./cli-io.js";
import { UsageError } from "./usage-error.js";

/** `sightline demo --help`. */
export const DEMO_HELP = `Usage: sightline demo [--base-url <url>] [--public-key <pk>] [--secret-key <sk>]

Sends realistic traces to a running Sightline server through the Sightline SDK: the instrumentation
guide's examples, a three-turn chat session, a RAG pipeline, an agent with a tool call, a failing
model call and a streamed generation. Model calls are simulated; nothing leaves your machine.

Options:
  --base-url <url>     The server (default SIGHTLINE_BASE_URL, else ${DEFAULT_BASE_URL})
  --public-key <pk>    Default SIGHTLINE_PUBLIC_KEY (or LANGFUSE_PUBLIC_KEY)
  --secret-key <sk>    Default SIGHTLINE_SECRET_KEY (or LANGFUSE_SECRET_KEY)
  -h, --help           Show this help

\`sightline serve\` prints the keys at first start; \`sightline keys create\` makes a new pair.`;

/** Asks the server whether it is there and whether the keys work, with a message that says what to do. */
async function preflight(baseUrl: string, publicKey: string, secretKey: string): Promise<string | undefined> {
  try {
    const health = await fetch(`${baseUrl}/api/public/health`, { signal: AbortSignal.timeout(5_000) });
    if (!health.ok) return `${baseUrl}/api/public/health answered ${health.status}: is this a Sightline server?`;
  } catch (error) {
    return `No Sightline server answers at ${baseUrl} (${errorMessage(error)}). Start one with \`sightline serve\`, or pass --base-url.`;
  }
  const auth = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`;
  const projects = await fetch(`${baseUrl}/api/public/projects`, { headers: { authorization: auth }, signal: AbortSignal.timeout(5_000) });
  if (projects.status === 401) {
    const body = (await projects.json().catch(() => ({}))) as { error?: { message?: string } };
    return `The server refused the keys: ${body.error?.message ?? "401 Unauthorized"}`;
  }
  return undefined;
}

/** `sightline demo`: sends the demo traces and prints where to look at them. */
export async function runDemo(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "base-url": { type: "string" },
      "public-key": { type: "string" },
      "secret-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.out(DEMO_HELP);
    return EXIT.OK;
  }
  const baseUrl = (values["base-url"] ?? readEnv("BASE_URL", io.env) ?? readEnv("BASEURL", io.env) ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const publicKey = values["public-key"] ?? readEnv("PUBLIC_KEY", io.env);
  const secretKey = values["secret-key"] ?? readEnv("SECRET_KEY", io.env);
  if (publicKey === undefined || secretKey === undefined) {
    throw new UsageError(
      "The demo needs an API key pair: pass --public-key and --secret-key, or set SIGHTLINE_PUBLIC_KEY and " +
        "SIGHTLINE_SECRET_KEY (`sightline serve` prints them at first start; `sightline keys create` makes a new pair).",
      "demo",
    );
  }
  const problem = await preflight(baseUrl, publicKey, secretKey);
  if (problem !== undefined) {
    io.err(problem);
    return EXIT.FAILURE;
  }

  const sightline = registerSightline({ baseUrl, publicKey, secretKey, flushOnExit: false });
  let traces = 0;
  try {
    for (const scenario of [...SPEC_EXAMPLES, ...APP_SCENARIOS]) {
      traces += await scenario.run();
      io.out(`  sent: ${scenario.title}`);
    }
    await sightline.forceFlush();
  } finally {
    await sightline.shutdown();
  }
  const stats = sightline.processor.getStats();
  if (stats.failed > 0 || stats.dropped > 0) {
    io.err(`${stats.failed + stats.dropped} of ${stats.exported + stats.failed + stats.dropped} observations were not delivered (see the warnings above).`);
    return EXIT.FAILURE;
  }
  io.out("");
  io.out(`Sent ${traces} traces (${stats.exported} observations) to ${baseUrl}.`);
  io.out(`Look at them: ${baseUrl}/api/public/traces (HTTP Basic auth with the same keys), e.g.`);
  io.out(`  curl -u "${publicKey}:<secret key>" "${baseUrl}/api/public/traces?limit=20"`);
  return EXIT.OK;
}
