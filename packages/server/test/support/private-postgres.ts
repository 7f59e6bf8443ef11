import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster of this test alone (initdb in a temp dir, on a free port), so a
 * test can stop and restart "the database" without touching the server that other tests, and
 * other people on the machine, use. Runs the server binaries as the `postgres` user when the test
 * runs as root (PostgreSQL refuses to run as root).
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    /** The port it listens on (127.0.0.1). */
    readonly port: number,
    private readonly asUser: string | null,
  ) {}

  /** Where the PostgreSQL server binaries are, or null when they are not installed. */
  static findBinaries(): string | null {
    const root = "/usr/lib/postgresql";
    if (!existsSync(root)) return null;
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a));
    return versions[0] === undefined ? null : join(root, versions[0], "bin");
  }

  /** Creates and starts a cluster with trust auth for user `postgres`. */
  static async create(): Promise<PrivatePostgres> {
    const bin = PrivatePostgres.findBinaries();
    if (bin === null) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql.");
    const asUser = process.getuid?.() === 0 ? "postgres" : null;
    const dir = mkdtempSync(join(tmpdir(), "sightline-pg-"));
    if (asUser !== null) {
      const { stdout } = await run("id", ["-u", asUser]);
      const { stdout: gid } = await run("id", ["-g", asUser]);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const cluster = new PrivatePostgres(bin, dir, await freePort(), asUser);
    await cluster.exec("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
    await cluster.start();
    return cluster;
  }

  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    await this.pgCtl("start", ["-o", `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=on`, "-l", join(this.dir, "log")]);
  }

  /** A fast restart: connections are terminated, in-flight transactions roll back. */
  async restart(): Promise<void> {
    await this.pgCtl("restart", ["-m", "fast", "-o", `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`, "-l", join(this.dir, "log")]);
  }

  async stop(): Promise<void> {
    await this.pgCtl("stop", ["-m", "fast"]).catch(() => undefined);
  }

  /** Stops the cluster and removes its files. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(action: string, args: string[]): Promise<void> {
    return this.exec("pg_ctl", ["-D", join(this.dir, "data"), "-w", "-t", "30", ...args, action]);
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (this.asUser === null) await run(path, args);
    else await run("runuser", ["-u", this.asUser, "--", path, ...args]);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
