import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { SightlineError } from "@sightline/core";
import type { ApiKeyRecord } from "../storage/records.js";
import { DuplicatePublicKeyError } from "../storage/store-errors.js";
import type { TraceStore } from "../storage/trace-store.js";

/** Prefix of generated public keys. */
export const PUBLIC_KEY_PREFIX = "pk-sl-";
/** Prefix of generated secret keys. */
export const SECRET_KEY_PREFIX = "sk-sl-";
/** Random bytes per generated key: 24 bytes = 192 bits, far beyond guessing. */
const KEY_RANDOM_BYTES = 24;
const HASH_SCHEME = "sha256";

/** A key pair as created; the secret exists only here (the store keeps its hash). */
export interface CreatedApiKey {
  readonly record: ApiKeyRecord;
  readonly publicKey: string;
  readonly secretKey: string;
}

/** A fresh `pk-sl-<hex>` / `sk-sl-<hex>` pair from the OS random generator. */
export function generateKeyPair(): { publicKey: string; secretKey: string } {
  return {
    publicKey: PUBLIC_KEY_PREFIX + randomBytes(KEY_RANDOM_BYTES).toString("hex"),
    secretKey: SECRET_KEY_PREFIX + randomBytes(KEY_RANDOM_BYTES).toString("hex"),
  };
}

function digest(salt: Buffer, secretKey: string): Buffer {
  return createHash("sha256").update(salt).update(secretKey, "utf8").digest();
}

/**
 * Hashes a secret key for storage as `sha256$<salt hex>$<digest hex>` with a random per-key salt.
 * A fast hash suffices because generated secrets carry 192 random bits: no dictionary or brute
 * force applies, unlike passwords (see docs/adr/0004-server-http-and-storage.md).
 */
export function hashSecretKey(secretKey: string): string {
  const salt = randomBytes(16);
  return `${HASH_SCHEME}$${salt.toString("hex")}$${digest(salt, secretKey).toString("hex")}`;
}

/** Whether `secretKey` matches a hash from {@link hashSecretKey}; compares in constant time. */
export function verifySecretKey(secretKey: string, secretHash: string): boolean {
  const [scheme, saltHex, digestHex] = secretHash.split("$");
  if (scheme !== HASH_SCHEME || saltHex === undefined || digestHex === undefined) return false;
  const expected = Buffer.from(digestHex, "hex");
  const actual = digest(Buffer.from(saltHex, "hex"), secretKey);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The display hint stored next to the hash: `sk-sl-...` plus the last four characters. */
export function displaySecretKey(secretKey: string): string {
  const prefix = secretKey.startsWith(SECRET_KEY_PREFIX) ? SECRET_KEY_PREFIX : secretKey.slice(0, 3);
  return `${prefix}...${secretKey.slice(-4)}`;
}

/**
 * Creates a key pair for a project and stores it (the secret only hashed). Pass `keys` to store a
 * given pair (`SIGHTLINE_INIT_*`); otherwise a random pair is generated.
 *
 * @example
 * const { publicKey, secretKey } = await createApiKey(store, "default", { note: "CI" });
 */
export async function createApiKey(
  store: TraceStore,
  projectId: string,
  options: { note?: string | null; keys?: { publicKey: string; secretKey: string }; nowMs?: number } = {},
): Promise<CreatedApiKey> {
  const { publicKey, secretKey } = options.keys ?? generateKeyPair();
  const record = await store.createApiKey({
    id: randomUUID(),
    projectId,
    publicKey,
    secretHash: hashSecretKey(secretKey),
    displaySecretKey: displaySecretKey(secretKey),
    note: options.note ?? null,
    createdAtMs: options.nowMs ?? Date.now(),
  });
  return { record, publicKey, secretKey };
}

/**
 * Makes sure the `SIGHTLINE_INIT_*` key pair exists in `projectId`. Idempotent: returns the created
 * key on the first start and null afterwards. Refuses (with a `SightlineError` saying what to do)
 * when the public key exists with another secret, in another project, or revoked, rather than
 * silently serving keys that differ from the configuration.
 */
export async function ensureInitApiKey(
  store: TraceStore,
  projectId: string,
  keys: { publicKey: string; secretKey: string },
): Promise<CreatedApiKey | null> {
  let existing = await store.findApiKeyByPublicKey(keys.publicKey);
  if (existing === null) {
    try {
      return await createApiKey(store, projectId, { keys, note: "SIGHTLINE_INIT_PUBLIC_KEY" });
    } catch (error) {
      // Several server processes on one database start at once: another one created it just now.
      if (!(error instanceof DuplicatePublicKeyError)) throw error;
      existing = await store.findApiKeyByPublicKey(keys.publicKey);
      if (existing === null) throw error;
    }
  }
  const problem =
    existing.projectId !== projectId
      ? `belongs to project "${existing.projectId}", not "${projectId}"`
      : !verifySecretKey(keys.secretKey, existing.secretHash)
        ? "exists with a different secret key than SIGHTLINE_INIT_SECRET_KEY"
        : existing.revokedAtMs !== null
          ? "was revoked"
          : undefined;
  if (problem === undefined) return null;
  throw new SightlineError(
    "init_key_conflict",
    `SIGHTLINE_INIT_PUBLIC_KEY ${keys.publicKey} ${problem}. Use the original key pair, or unset the ` +
      "SIGHTLINE_INIT_* variables and manage keys with `sightline keys`.",
  );
}
