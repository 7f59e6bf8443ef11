import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { verifySecretKey } from "./http/api-keys.js";
import type { ApiKeyRecord } from "./storage/records.js";

/** The file in the data dir that keeps the key pair created at first start (mode 0600). */
export const LOCAL_KEY_FILE_NAME = "default-project-key.json";

/** A key pair readable by whoever can read the data dir. */
export interface LocalKeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/**
 * Remembers the key pair the server created at first start, so every later `sightline serve`
 * prints keys that work. The database keeps only the secret's hash; this file lives beside the
 * database, is readable only by its owner, and can be deleted at any time (the banner then shows
 * only public keys). It is never written for `SIGHTLINE_INIT_*` keys: their owner has them.
 */
export async function saveLocalKeyPair(dataDir: string, key: LocalKeyPair): Promise<void> {
  const body = JSON.stringify({ publicKey: key.publicKey, secretKey: key.secretKey }, null, 2) + "\n";
  await writeFile(join(resolve(dataDir), LOCAL_KEY_FILE_NAME), body, { mode: 0o600 });
}

/**
 * The remembered key pair, if the file exists and the pair is still an active key of the project
 * (a revoked or replaced key is not offered). Never throws: an unreadable file means no pair.
 */
export async function loadLocalKeyPair(dataDir: string, keys: readonly ApiKeyRecord[]): Promise<LocalKeyPair | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(resolve(dataDir), LOCAL_KEY_FILE_NAME), "utf8"));
  } catch {
    return null;
  }
  const { publicKey, secretKey } = (parsed ?? {}) as Partial<Record<string, unknown>>;
  if (typeof publicKey !== "string" || typeof secretKey !== "string") return null;
  const record = keys.find((k) => k.publicKey === publicKey && k.revokedAtMs === null);
  if (record === undefined || !verifySecretKey(secretKey, record.secretHash)) return null;
  return { publicKey, secretKey };
}
