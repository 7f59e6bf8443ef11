import type { ApiKeyRecord } from "../storage/records.js";
import type { TraceStore } from "../storage/trace-store.js";
import { verifySecretKey } from "./api-keys.js";
import { HttpError } from "./http-error.js";

/** Who a request is: the project its key belongs to. */
export interface AuthenticatedKey {
  readonly projectId: string;
  readonly keyId: string;
  readonly publicKey: string;
}

/** Options of {@link ApiKeyAuthenticator}. */
export interface AuthenticatorOptions {
  /** How long a looked-up key is trusted without asking the store again; 0 disables the cache. */
  ttlMillis: number;
  /** Cached keys at most (the oldest entry goes first). */
  maxEntries?: number;
  /** The clock (tests). */
  nowMs?: () => number;
  /**
   * How long key uses are gathered before they are written (`lastUsedAt`), so a busy key costs one
   * write a minute, not one a request. Default `DEFAULT_KEY_USE_FLUSH_MILLIS`.
   */
  useFlushMillis?: number;
}

/** Key uses are written at most this often. */
export const DEFAULT_KEY_USE_FLUSH_MILLIS = 60_000;

const HINT =
  "Check SIGHTLINE_PUBLIC_KEY and SIGHTLINE_SECRET_KEY (or LANGFUSE_*), and that SIGHTLINE_BASE_URL points at this server.";
const CHALLENGE = { "WWW-Authenticate": 'Basic realm="sightline", charset="UTF-8"' };

function unauthorized(code: string, message: string): HttpError {
  return new HttpError(401, code, `${message} ${HINT}`, CHALLENGE);
}

interface CacheEntry {
  readonly lookup: Promise<ApiKeyRecord | null>;
  readonly expiresAtMs: number;
}

/** Splits `Basic base64(publicKey:secretKey)`; throws the 401 that says what is wrong with it. */
export function parseBasicAuthorization(header: string | undefined): { publicKey: string; secretKey: string } {
  if (header === undefined || header.trim() === "") {
    throw unauthorized(
      "missing_authorization",
      "No Authorization header: send HTTP Basic auth with your public key as the username and your secret key as the password.",
    );
  }
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    const scheme = header.trim().split(/\s+/)[0] ?? "";
    throw unauthorized(
      "invalid_authorization",
      `The Authorization header is not HTTP Basic (scheme "${scheme.slice(0, 20)}"): send Basic base64(publicKey:secretKey).`,
    );
  }
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) {
    throw unauthorized(
      "invalid_authorization",
      "The Basic credentials are not publicKey:secretKey (the decoded value has no colon, or an empty part).",
    );
  }
  return { publicKey: decoded.slice(0, colon), secretKey: decoded.slice(colon + 1) };
}

/**
 * Resolves Basic auth to a project. Looked-up keys are cached for `ttlMillis` so that ingestion does
 * not query the store per request; a key revoked through {@link revoke} stops working at once, one
 * revoked by another process within the TTL. Secrets are verified against the stored hash on every
 * request, in constant time.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Key id -> the latest time it authenticated a request, not yet written. */
  private readonly uses = new Map<string, number>();
  private useTimer: NodeJS.Timeout | undefined;
  private writingUses: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TraceStore,
    private readonly options: AuthenticatorOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.nowMs ?? Date.now;
  }

  /** The key behind an `Authorization` header; throws a 401 `HttpError` saying why not. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedKey> {
    const { publicKey, secretKey } = parseBasicAuthorization(authorization);
    const record = await this.lookup(publicKey);
    if (record === null) {
      throw unauthorized("unknown_public_key", `No API key has the public key "${publicKey.slice(0, 80)}".`);
    }
    if (!verifySecretKey(secretKey, record.secretHash)) {
      throw unauthorized("invalid_secret_key", `The secret key does not match the public key "${publicKey}".`);
    }
    if (record.revokedAtMs !== null) {
      throw unauthorized(
        "revoked_api_key",
        `The API key "${publicKey}" was revoked on ${new Date(record.revokedAtMs).toISOString()}; create a new one with \`sightline keys create\`.`,
      );
    }
    this.used(record.id);
    return { projectId: record.projectId, keyId: record.id, publicKey };
  }

  /**
   * Writes the key uses gathered so far (the store's `lastUsedAtMs`); resolves once written. Called
   * by the timer, and on shutdown so the last minute is not lost. A failed write keeps the uses
   * for the next one: a key's last use is bookkeeping, never a reason to fail a request.
   */
  flushUses(): Promise<void> {
    clearTimeout(this.useTimer);
    this.useTimer = undefined;
    const batch = [...this.uses].map(([keyId, atMs]) => ({ keyId, atMs }));
    this.uses.clear();
    this.writingUses = this.writingUses.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.recordApiKeyUse(batch);
      } catch {
        for (const { keyId, atMs } of batch) this.used(keyId, atMs);
      }
    });
    return this.writingUses;
  }

  private used(keyId: string, atMs = this.now()): void {
    if ((this.uses.get(keyId) ?? 0) < atMs) this.uses.set(keyId, atMs);
    if (this.useTimer !== undefined) return;
    this.useTimer = setTimeout(() => void this.flushUses(), this.options.useFlushMillis ?? DEFAULT_KEY_USE_FLUSH_MILLIS);
    this.useTimer.unref();
  }

  /** Revokes a key in the store and forgets it here at once. False when the project has no such key. */
  async revoke(projectId: string, keyId: string): Promise<boolean> {
    const revoked = await this.store.revokeApiKey(projectId, keyId);
    // Revocations are rare: forgetting every cached key is simpler than finding this one, and safe.
    this.cache.clear();
    return revoked;
  }

  /** Drops every cached key (e.g. after keys changed behind the server's back). */
  clear(): void {
    this.cache.clear();
  }

  private lookup(publicKey: string): Promise<ApiKeyRecord | null> {
    const nowMs = this.now();
    const cached = this.cache.get(publicKey);
    if (cached !== undefined && cached.expiresAtMs > nowMs) return cached.lookup;
    const lookup = this.store.findApiKeyByPublicKey(publicKey);
    // Unknown keys are not cached: a key created by `sightline keys create` must work at once, and
    // caching misses would let random public keys fill the cache.
    if (this.options.ttlMillis > 0) {
      this.cache.delete(publicKey);
      this.cache.set(publicKey, { lookup, expiresAtMs: nowMs + this.options.ttlMillis });
      lookup.then(
        (record) => {
          if (record === null) this.cache.delete(publicKey);
        },
        () => this.cache.delete(publicKey),
      );
      while (this.cache.size > this.maxEntries) {
        const oldest = this.cache.keys().next();
        if (oldest.done === true) break;
        this.cache.delete(oldest.value);
      }
    }
    return lookup;
  }
}
