import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ApiKeyRecord, TraceStore } from "@sightline/server";
import { OTHER_PROJECT, PROJECT, withProjects, withStore } from "./with-store.js";

function key(id: string, projectId: string, publicKey: string): Omit<ApiKeyRecord, "lastUsedAtMs" | "revokedAtMs"> {
  return { id, projectId, publicKey, secretHash: `hash-${id}`, displaySecretKey: "sk-sl-...abcd", note: null, createdAtMs: 1_700_000_000_000 };
}

/** Projects and API keys. */
export function describeKeysContract(open: () => Promise<TraceStore>): void {
  describe("projects and API keys", () => {
    it("creates a project once and returns the existing one afterwards", () =>
      withStore(open, async (store) => {
        const created = await store.ensureProject({ id: "p1", name: "First" });
        const again = await store.ensureProject({ id: "p1", name: "Renamed" });
        assert.equal(created.id, "p1");
        assert.equal(created.name, "First");
        assert.deepEqual(again, created);
        await store.ensureProject({ id: "p2", name: "Second" });
        assert.deepEqual((await store.listProjects()).map((p) => p.id).sort(), ["p1", "p2"]);
      }));

    it("stores a key and finds it by its public key, and nothing for an unknown one", () =>
      withProjects(open, async (store) => {
        const stored = await store.createApiKey({ ...key("k1", PROJECT, "pk-sl-1"), note: "ci" });
        assert.equal(stored.revokedAtMs, null);
        assert.equal(stored.lastUsedAtMs, null);
        assert.deepEqual(await store.findApiKeyByPublicKey("pk-sl-1"), stored);
        assert.equal(await store.findApiKeyByPublicKey("pk-sl-unknown"), null);
      }));

    it("refuses a second key with the same public key, even in another project", () =>
      withProjects(open, async (store) => {
        await store.createApiKey(key("k1", PROJECT, "pk-sl-1"));
        await assert.rejects(store.createApiKey(key("k2", OTHER_PROJECT, "pk-sl-1")));
        assert.equal((await store.findApiKeyByPublicKey("pk-sl-1"))?.projectId, PROJECT);
      }));

    it("lists only the project's own keys", () =>
      withProjects(open, async (store) => {
        await store.createApiKey(key("k1", PROJECT, "pk-1"));
        await store.createApiKey({ ...key("k2", PROJECT, "pk-2"), createdAtMs: 1_700_000_000_001 });
        await store.createApiKey(key("k3", OTHER_PROJECT, "pk-3"));
        assert.deepEqual((await store.listApiKeys(PROJECT)).map((k) => k.id), ["k1", "k2"]);
        assert.deepEqual((await store.listApiKeys(OTHER_PROJECT)).map((k) => k.id), ["k3"]);
      }));

    it("revokes a key, which stays findable as revoked, and only within its project", () =>
      withProjects(open, async (store) => {
        await store.createApiKey(key("k1", PROJECT, "pk-1"));
        assert.equal(await store.revokeApiKey(OTHER_PROJECT, "k1"), false, "another project cannot revoke it");
        assert.equal((await store.findApiKeyByPublicKey("pk-1"))?.revokedAtMs, null);
        assert.equal(await store.revokeApiKey(PROJECT, "k1"), true);
        const revoked = await store.findApiKeyByPublicKey("pk-1");
        assert.equal(typeof revoked?.revokedAtMs, "number");
        assert.equal(await store.revokeApiKey(PROJECT, "k1"), true, "revoking again is harmless");
        assert.equal((await store.findApiKeyByPublicKey("pk-1"))?.revokedAtMs, revoked?.revokedAtMs, "the first revocation time stays");
        assert.equal(await store.revokeApiKey(PROJECT, "missing"), false);
      }));

    it("migrates idempotently", () =>
      withStore(open, async (store) => {
        await store.ensureProject({ id: "p1", name: "First" });
        await store.migrate();
        await store.migrate();
        assert.equal((await store.listProjects()).length, 1);
      }));
  });
}
