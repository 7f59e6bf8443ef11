import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ConfigError } from "@sightline/core";
import type { ServerConfig } from "./config.js";
import { createApiKey, ensureInitApiKey } from "./http/api-keys.js";
import type { CreatedApiKey } from "./http/api-keys.js";
import type { ApiKeyRecord, ProjectRecord } from "./storage/records.js";
import { openPostgresStore } from "./storage/postgres/postgres-store.js";
import { openSqliteStore } from "./storage/sqlite/sqlite-store.js";
import type { TraceStore } from "./storage/trace-store.js";

/** The project every server has; its keys are created at first start. */
export const DEFAULT_PROJECT = { id: "default", name: "Default project" } as const;
/** The SQLite database file inside the data dir. */
export const SQLITE_FILE_NAME = "sightline.db";

/** The absolute path of the SQLite database of a data dir. */
export function sqliteFileOf(dataDir: string): string {
  return resolve(dataDir, SQLITE_FILE_NAME);
}

/**
 * Opens and migrates the store the configuration selects: PostgreSQL when `SIGHTLINE_DATABASE_URL`
 * is a `postgres://` URL (several server processes may share it; `?schema=` picks the schema),
 * otherwise SQLite in the data dir (created if missing, then with a `.gitignore` so it is never
 * committed). `onBackgroundError` hears of failures of background work (full-text indexing).
 */
export async function openStore(
  config: Pick<ServerConfig, "dataDir" | "databaseUrl">,
  onBackgroundError: (error: unknown) => void = () => {},
): Promise<TraceStore> {
  if (config.databaseUrl !== undefined) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(config.databaseUrl)?.[1]?.toLowerCase();
    if (scheme !== "postgres" && scheme !== "postgresql") {
      throw new ConfigError(
        `SIGHTLINE_DATABASE_URL must be a postgres:// URL (got scheme ${JSON.stringify(scheme ?? config.databaseUrl.slice(0, 20))}); ` +
          "unset it to use the embedded SQLite database in the data dir.",
      );
    }
    const store = await openPostgresStore({ url: config.databaseUrl, onBackgroundError });
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  }
  const dir = resolve(config.dataDir);
  // Only a directory created here gets the `.gitignore`: an existing one (say, a repository root
  // passed as --data-dir) is the user's.
  if ((await mkdir(dir, { recursive: true })) !== undefined) {
    await writeFile(join(dir, ".gitignore"), "# Sightline data: never commit.\n*\n", { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
  // The server checkpoints and indexes on a second thread, off the ingest path.
  const store = await openSqliteStore({ file: sqliteFileOf(dir), backgroundThread: true });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/** What {@link ensureDefaultProject} found or made. */
export interface DefaultProjectState {
  readonly project: ProjectRecord;
  /** The key pair created just now (its secret is shown only this once), or null. */
  readonly createdKey: CreatedApiKey | null;
  /** Every key of the project (secrets hashed), revoked ones included. */
  readonly keys: readonly ApiKeyRecord[];
}

/**
 * Ensures the default project, and its first key pair: the `SIGHTLINE_INIT_*` pair when configured
 * (idempotently), otherwise a random pair when the project has never had a key (first start).
 */
export async function ensureDefaultProject(
  store: TraceStore,
  initKeys: ServerConfig["initKeys"],
): Promise<DefaultProjectState> {
  const project = await store.ensureProject(DEFAULT_PROJECT);
  let createdKey: CreatedApiKey | null = null;
  if (initKeys !== undefined) {
    createdKey = await ensureInitApiKey(store, project.id, initKeys);
  } else if ((await store.listApiKeys(project.id)).length === 0) {
    createdKey = await createApiKey(store, project.id, { note: "created at first start" });
  }
  return { project, createdKey, keys: await store.listApiKeys(project.id) };
}
