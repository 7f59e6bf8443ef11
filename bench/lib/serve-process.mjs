// The real `sightline serve` as a child process, for the benchmarks that drive it over loopback.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "packages", "cli", "dist", "main.js");

/**
 * Starts `sightline serve --port 0 --data-dir <dataDir>` with this init key pair (and `env` on top);
 * resolves with its URL, its stderr so far, and `stop()` (SIGTERM, SIGKILL after 30 s; resolves
 * with the exit code). The child is added to `children` while it runs, for the caller's clean-up.
 */
export function startServe(dataDir, { publicKey, secretKey, env = {}, children }) {
  // This checkout's CLI, or another build's (`SIGHTLINE_BENCH_CLI`, for A/B runs of two builds).
  const cli = process.env.SIGHTLINE_BENCH_CLI ?? CLI;
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--data-dir", dataDir], {
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
      reject(new Error(`sightline serve did not start in 20 s.\nstdout: ${out}\nstderr: ${err}`));
    }, 20_000);
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match === null || !out.includes("Press Ctrl+C")) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        stderr: () => err,
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
      reject(new Error(`sightline serve exited (${code}) before it listened.\nstderr: ${err}`));
    });
  });
}
