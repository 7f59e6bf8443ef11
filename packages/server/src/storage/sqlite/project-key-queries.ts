import type { Database, Statement } from "better-sqlite3";
import type { ApiKeyRecord, ProjectRecord } from "../records.js";
import { DuplicatePublicKeyError } from "../store-errors.js";
import type { ProjectRetention } from "../trace-store.js";
import { apiKeyFromRow, projectFromRow } from "../record-rows.js";

type Row = Record<string, unknown>;

// Shared by every store; re-exported here where it was first defined.
export { DuplicatePublicKeyError };

/** Projects and API keys. A revoked key stays stored, so auth can tell "revoked" from "unknown". */
export class ProjectKeyQueries {
  private readonly insertProject: Statement;
  private readonly project: Statement;
  private readonly projects: Statement;
  private readonly insertKey: Statement;
  private readonly keyByPublic: Statement;
  private readonly keysOfProject: Statement;
  private readonly revoke: Statement;
  private readonly recordUses: (uses: ReadonlyArray<{ keyId: string; atMs: number }>) => void;
  private readonly setRetention: Statement;
  private readonly retention: Statement;

  constructor(db: Database) {
    this.insertProject = db.prepare(`INSERT INTO projects (id, name, created_at_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`);
    this.project = db.prepare(`SELECT * FROM projects WHERE id = ?`);
    this.projects = db.prepare(`SELECT * FROM projects ORDER BY created_at_ms, id`);
    this.insertKey = db.prepare(
      `INSERT INTO api_keys (id, project_id, public_key, secret_hash, display_secret_key, note, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.keyByPublic = db.prepare(`SELECT * FROM api_keys WHERE public_key = ?`);
    this.keysOfProject = db.prepare(`SELECT * FROM api_keys WHERE project_id = ? ORDER BY created_at_ms, id`);
    // Revoking twice keeps the first revocation time.
    this.revoke = db.prepare(`UPDATE api_keys SET revoked_at_ms = coalesce(revoked_at_ms, ?) WHERE project_id = ? AND id = ?`);
    const used = db.prepare(`UPDATE api_keys SET last_used_at_ms = max(coalesce(last_used_at_ms, 0), ?) WHERE id = ?`);
    this.recordUses = db.transaction((uses: ReadonlyArray<{ keyId: string; atMs: number }>) => {
      for (const use of uses) used.run(Math.floor(use.atMs), use.keyId);
    });
    this.setRetention = db.prepare(`UPDATE projects SET retention_days = ? WHERE id = ?`);
    this.retention = db.prepare(`SELECT id, retention_days FROM projects ORDER BY created_at_ms, id`);
  }

  /** Sets the project's retention override (null: the server default); false when there is no such project. */
  setProjectRetention(projectId: string, retentionDays: number | null): boolean {
    return this.setRetention.run(retentionDays, projectId).changes > 0;
  }

  /** Every project's retention override. */
  listProjectRetention(): ProjectRetention[] {
    return (this.retention.all() as Row[]).map((row) => ({
      projectId: row["id"] as string,
      retentionDays: row["retention_days"] === null ? null : Number(row["retention_days"]),
    }));
  }

  /** Creates the project unless it exists (its name is then left as it is); returns it. */
  ensureProject(id: string, name: string): ProjectRecord {
    this.insertProject.run(id, name, Date.now());
    return projectFromRow(this.project.get(id) as Row);
  }

  /** Every project, oldest first. */
  listProjects(): ProjectRecord[] {
    return (this.projects.all() as Row[]).map(projectFromRow);
  }

  /** Stores a key; throws `DuplicatePublicKeyError` for a public key already in use. */
  createApiKey(key: Omit<ApiKeyRecord, "lastUsedAtMs" | "revokedAtMs">): ApiKeyRecord {
    if (this.keyByPublic.get(key.publicKey) !== undefined) throw new DuplicatePublicKeyError(key.publicKey);
    this.insertKey.run(key.id, key.projectId, key.publicKey, key.secretHash, key.displaySecretKey, key.note, key.createdAtMs);
    return { ...key, lastUsedAtMs: null, revokedAtMs: null };
  }

  /** The key with this public key, revoked or not. */
  findApiKeyByPublicKey(publicKey: string): ApiKeyRecord | null {
    const row = this.keyByPublic.get(publicKey) as Row | undefined;
    return row === undefined ? null : apiKeyFromRow(row);
  }

  /** A project's keys, oldest first. */
  listApiKeys(projectId: string): ApiKeyRecord[] {
    return (this.keysOfProject.all(projectId) as Row[]).map(apiKeyFromRow);
  }

  /** Revokes a key of this project; false when the project has no such key. */
  revokeApiKey(projectId: string, keyId: string): boolean {
    return this.revoke.run(Date.now(), projectId, keyId).changes > 0;
  }

  /** Moves each key's last use forward to `atMs` (never back). */
  recordApiKeyUse(uses: ReadonlyArray<{ keyId: string; atMs: number }>): void {
    this.recordUses(uses);
  }
}


