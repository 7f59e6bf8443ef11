// The real `sightline serve` as a child process, for the benchmarks that drive it over loopback.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "packages", "cli", "dist", "main.js");

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux when it cannot be asked). */
let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system, every thread) a process has used so far, in ms; NaN where /proc is missing. */
export function processCpuMillis(pid) {
  try {
    // The fields after the command name (which may hold spaces and parentheses): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/**
 * Starts `sightline serve --port 0 --data-dir <dataDir>` with this init key pair (and `env` on top),
 * or with `args`, another node script that prints the same "listening on <url>" and "Press Ctrl+C"
 * lines (the benchmark's minimal server); resolves with its URL, its stderr so far, `cpuMillis()`
 * (the CPU time it has used, every thread) and `stop()` (SIGTERM, SIGKILL after 30 s; resolves with
 * the exit code). The child is added to `children` while it runs, for the caller's clean-up.
 */
export function startServe(dataDir, { publicKey, secretKey, env = {}, children, args }) {
  // This checkout's CLI, or another build's (`SIGHTLINE_BENCH_CLI`, for A/B runs of two builds).
  const cli = process.env.SIGHTLINE_BENCH_CLI ?? CLI;
  const child = spawn(process.execPath, args ?? [cli, "serve", "--port", "0", "--data-dir", dataDir], {
    env: { ...process.env, SIGHTLINE_PORT: undefined, SIGHTLINE_HOST: undefined, SIGHTLINE_INIT_PUBLIC_KEY: publicKey, SIGHTLINE_INIT_SECRET_KEY: secretKey, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (err = (err + d).slice(-4000)));
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? signal);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args?.[0] ?? "sightline serve"} did not start in 20 s.\nstdout: ${out}\nstderr: ${err}`));
    }, 20_000);
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match === null || !out.includes("Press Ctrl+C")) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        stderr: () => err,
        cpuMillis: () => processCpuMillis(child.pid),
        stop: async () => {
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
          const code = await exited;
          clearTimeout(killer);
          return code;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args?.[0] ?? "sightline serve"} exited (${code}) before it listened.\nstderr: ${err}`));
    });
  });
}
