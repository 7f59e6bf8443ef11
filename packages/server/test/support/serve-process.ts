// End-to-end support: the REAL `sightline serve` (packages/cli/dist/main.js) as a child process on a
// free port, and REST helpers that read traces back as indented trees.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { basicAuth } from "./http-harness.js";
import type { ApiObservation, ApiPage, ApiTrace, ApiTraceDetail } from "./http-harness.js";

/** The built CLI entry point (run `npm run build` first). */
export const CLI_MAIN = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));

/** A running `sightline serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `sightline serve --port 0 --data-dir <dataDir>`; resolves once it prints its URL. */
export function spawnServe(dataDir: string, env: Record<string, string> = {}, timeoutMillis = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI_MAIN, "serve", "--port", "0", "--data-dir", dataDir], {
    env: { ...process.env, SIGHTLINE_PORT: undefined, SIGHTLINE_HOST: undefined, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`sightline serve did not start within ${timeoutMillis} ms.\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMillis);
    const onData = (): void => {
      const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (match === null || !out.includes("Press Ctrl+C")) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({
        child,
        url: match[1]!,
        port: Number(match[2]),
        stdout: () => out,
        stderr: () => err,
        stop: (signal = "SIGTERM") => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sightline serve exited (${code}) before it listened.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** A REST client for one key pair. */
export class RestClient {
  private readonly authorization: string;
  constructor(
    readonly url: string,
    publicKey: string,
    secretKey: string,
  ) {
    this.authorization = basicAuth(publicKey, secretKey);
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { headers: { authorization: this.authorization } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Every trace of the project (newest first), following the pages. */
  async allTraces(query = ""): Promise<ApiTrace[]> {
    const traces: ApiTrace[] = [];
    for (let page = 1; ; page++) {
      const body = await this.get<ApiPage<ApiTrace>>(`/api/public/traces?limit=100&page=${page}${query === "" ? "" : `&${query}`}`);
      traces.push(...body.data);
      if (page >= body.meta.totalPages) return traces;
    }
  }

  /** The trace with its full observations. */
  trace(id: string): Promise<ApiTraceDetail> {
    return this.get(`/api/public/traces/${id}`);
  }

  /**
   * The trace as an indented tree, one `name [TYPE]` line per observation, children under their
   * parent in start-time order (then name). An observation whose parent is not in the trace is a root.
   */
  async tree(id: string, describe: (o: ApiObservation) => string = (o) => `${o.name} [${o.type}]`): Promise<string> {
    const { observations } = await this.trace(id);
    const known = new Set(observations.map((o) => o.id));
    const children = new Map<string | null, ApiObservation[]>();
    for (const o of observations) {
      const parent = o.parentObservationId !== null && known.has(o.parentObservationId) ? o.parentObservationId : null;
      children.set(parent, [...(children.get(parent) ?? []), o]);
    }
    const lines: string[] = [];
    const walk = (parent: string | null, depth: number): void => {
      const list = [...(children.get(parent) ?? [])].sort(
        (a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? 1 : a.name.localeCompare(b.name)),
      );
      for (const o of list) {
        lines.push(`${"  ".repeat(depth)}${describe(o)}`);
        walk(o.id, depth + 1);
      }
    };
    walk(null, 0);
    return lines.join("\n");
  }
}
