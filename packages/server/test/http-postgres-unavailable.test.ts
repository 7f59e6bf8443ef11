// The HTTP layer over a PostgreSQL store whose database goes away and comes back (a TCP proxy in
// front of the real server is cut): 503 with `store_unavailable` and `retry-after` while it is gone,
// and normal service afterwards without a restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiKeyAuthenticator, createApiKey, createApp, openPostgresStore, parsePostgresUrl, silentServerLogger } from "@sightline/server";
import type { PostgresTraceStore, SightlineApp } from "@sightline/server";
import { JSON_TYPE, basicAuth, buildSpans, otlpJson } from "./support/http-harness.js";
import type { ApiError, ApiPage, ApiTrace } from "./support/http-harness.js";
import { PG_REQUIRED, TEST_PG_URL, dropSchema, freshSchema, postgresUnreachable } from "./support/postgres.js";
import { TcpProxy } from "./support/tcp-proxy.js";

const unreachable = await postgresUnreachable();
const skip = unreachable !== null && !PG_REQUIRED ? `PostgreSQL not reachable at ${TEST_PG_URL} (${unreachable})` : false;

describe("HTTP API over PostgreSQL when the database goes away", { skip }, () => {
  const schema = freshSchema();
  let proxy: TcpProxy;
  let store: PostgresTraceStore;
  let app: SightlineApp;
  let authorization: string;

  before(async () => {
    const target = parsePostgresUrl(TEST_PG_URL);
    proxy = new TcpProxy(target.host, target.port);
    await proxy.start();
    store = await openPostgresStore({ url: `postgres://${target.user}@127.0.0.1:${proxy.port}/${target.database}`, schema, connectTimeoutMillis: 1_000 });
    await store.migrate();
    await store.ensureProject({ id: "default", name: "Default project" });
    const key = await createApiKey(store, "default", { note: "test" });
    authorization = basicAuth(key.publicKey, key.secretKey);
    // A zero TTL: every request authenticates against the database, so auth meets the outage too.
    app = createApp({ store, logger: silentServerLogger, authenticator: new ApiKeyAuthenticator(store, { ttlMillis: 0 }) });
  });

  after(async () => {
    await store.close();
    await proxy.stop();
    await dropSchema(schema);
  });

  const post = (name: string) =>
    app.request("/v1/traces", { method: "POST", headers: { ...JSON_TYPE, authorization }, body: otlpJson(buildSpans([{ name }])) as BodyInit });

  it("answers 503 store_unavailable with retry-after while PostgreSQL is unreachable, and serves again once it is back", async () => {
    assert.equal((await post("before")).status, 200);

    await proxy.stop();
    const refused = await post("during");
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal(((await refused.json()) as ApiError).error.code, "store_unavailable");
    const read = await app.request("/api/public/traces", { headers: { authorization } });
    assert.equal(read.status, 503);

    await proxy.start();
    assert.equal((await post("after")).status, 200);
    const listed = await app.request("/api/public/traces?limit=10", { headers: { authorization } });
    assert.equal(listed.status, 200);
    const names = ((await listed.json()) as ApiPage<ApiTrace>).data.map((t) => t.name).sort();
    assert.deepEqual(names, ["after", "before"]);
  });
});
