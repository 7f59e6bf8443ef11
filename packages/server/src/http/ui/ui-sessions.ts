import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** The session cookie's name. */
export const SESSION_COOKIE = "sightline_session";
/** How long a UI session lasts without use (sliding): 12 hours. */
export const DEFAULT_SESSION_TTL_MILLIS = 12 * 3600_000;
/** Sessions kept at most; the oldest goes first (a flood of logins cannot exhaust memory). */
const MAX_SESSIONS = 10_000;

/**
 * Admin UI sessions, in memory: a random 256-bit id per login, kept only as its SHA-256 (a heap
 * dump does not reveal usable cookies). Sessions end at logout, after the TTL without use, or when
 * the process restarts (then the UI asks for the password again).
 */
export class UiSessions {
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly ttlMillis = DEFAULT_SESSION_TTL_MILLIS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session; returns the cookie value. */
  create(): string {
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(digest(id), this.now() + this.ttlMillis);
    while (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next();
      if (oldest.done === true) break;
      this.sessions.delete(oldest.value);
    }
    return id;
  }

  /** True when the cookie value is a live session (and extends it). */
  verify(id: string | undefined): boolean {
    if (id === undefined || id === "" || id.length > 100) return false;
    const key = digest(id);
    const expires = this.sessions.get(key);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.sessions.delete(key);
      return false;
    }
    this.sessions.delete(key);
    this.sessions.set(key, this.now() + this.ttlMillis);
    return true;
  }

  /** Ends a session. */
  revoke(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(digest(id));
  }
}

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Compares a typed password with the configured one in constant time (hashes equalise lengths). */
export function passwordMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
