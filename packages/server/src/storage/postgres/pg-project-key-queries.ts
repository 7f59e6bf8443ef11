import type pg from "pg";
import type { ApiKeyRecord, ProjectRecord } from "../records.js";
import { DuplicatePublicKeyError } from "../store-errors.js";
import type { ProjectRetention } from "../trace-store.js";
import { apiKeyFromRow, projectFromRow } from "../record-rows.js";

type Row = Record<string, unknown>;

/** Projects and API keys. A revoked key stays stored, so auth can tell "revoked" from "unknown". */
export class PgProjectKeyQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** Sets the project's retention override (null: the server default); false when there is no such project. */
  async setProjectRetention(projectId: string, retentionDays: number | null): Promise<boolean> {
    const result = await this.pool.query({
      name: "project-set-retention",
      text: "UPDATE projects SET retention_days = $1 WHERE id = $2",
      values: [retentionDays, projectId],
    });
    return (result.rowCount ?? 0) > 0;
  }

  /** Every project's retention override. */
  async listProjectRetention(): Promise<ProjectRetention[]> {
    const result = await this.pool.query<Row>({ name: "projects-retention", text: "SELECT id, retention_days FROM projects ORDER BY created_at_ms, id" });
    return result.rows.map((row) => ({
      projectId: row["id"] as string,
      retentionDays: row["retention_days"] === null ? null : Number(row["retention_days"]),
    }));
  }

  /** Creates the project unless it exists (its name is then left as it is); returns it. */
  async ensureProject(id: string, name: string): Promise<ProjectRecord> {
    await this.pool.query({
      name: "project-insert",
      text: "INSERT INTO projects (id, name, created_at_ms) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
      values: [id, name, Date.now()],
    });
    const result = await this.pool.query<Row>({ name: "project-get", text: "SELECT * FROM projects WHERE id = $1", values: [id] });
    return projectFromRow(result.rows[0] as Row);
  }

  /** Every project, oldest first. */
  async listProjects(): Promise<ProjectRecord[]> {
    const result = await this.pool.query<Row>({ name: "projects-list", text: "SELECT * FROM projects ORDER BY created_at_ms, id" });
    return result.rows.map(projectFromRow);
  }

  /** Stores a key; throws `DuplicatePublicKeyError` for a public key already in use. */
  async createApiKey(key: Omit<ApiKeyRecord, "lastUsedAtMs" | "revokedAtMs">): Promise<ApiKeyRecord> {
    try {
      await this.pool.query({
        name: "api-key-insert",
        text: `INSERT INTO api_keys (id, project_id, public_key, secret_hash, display_secret_key, note, created_at_ms)
          VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        values: [key.id, key.projectId, key.publicKey, key.secretHash, key.displaySecretKey, key.note, key.createdAtMs],
      });
    } catch (error) {
      if ((error as { code?: string; constraint?: string }).code === "23505" && (error as { constraint?: string }).constraint === "api_keys_public_key_key") {
        throw new DuplicatePublicKeyError(key.publicKey);
      }
      throw error;
    }
    return { ...key, lastUsedAtMs: null, revokedAtMs: null };
  }

  /** The key with this public key, revoked or not. */
  async findApiKeyByPublicKey(publicKey: string): Promise<ApiKeyRecord | null> {
    const result = await this.pool.query<Row>({ name: "api-key-by-public", text: "SELECT * FROM api_keys WHERE public_key = $1", values: [publicKey] });
    const row = result.rows[0];
    return row === undefined ? null : apiKeyFromRow(row);
  }

  /** A project's keys, oldest first. */
  async listApiKeys(projectId: string): Promise<ApiKeyRecord[]> {
    const result = await this.pool.query<Row>({
      name: "api-keys-of-project",
      text: "SELECT * FROM api_keys WHERE project_id = $1 ORDER BY created_at_ms, id",
      values: [projectId],
    });
    return result.rows.map(apiKeyFromRow);
  }

  /** Revokes a key of this project (keeping the first revocation time); false when the project has no such key. */
  async revokeApiKey(projectId: string, keyId: string): Promise<boolean> {
    const result = await this.pool.query({
      name: "api-key-revoke",
      text: "UPDATE api_keys SET revoked_at_ms = coalesce(revoked_at_ms, $1) WHERE project_id = $2 AND id = $3",
      values: [Date.now(), projectId, keyId],
    });
    return (result.rowCount ?? 0) > 0;
  }

  /** Moves each key's last use forward to its time (never back), in one statement. */
  async recordApiKeyUse(uses: ReadonlyArray<{ keyId: string; atMs: number }>): Promise<void> {
    if (uses.length === 0) return;
    await this.pool.query({
      name: "api-key-used",
      text: `UPDATE api_keys k SET last_used_at_ms = GREATEST(coalesce(k.last_used_at_ms, 0), u.at)
        FROM unnest($1::text[], $2::int8[]) AS u(id, at) WHERE k.id = u.id`,
      values: [uses.map((u) => u.keyId), uses.map((u) => Math.floor(u.atMs))],
    });
  }
}


