#!/usr/bin/env node
// The ingest worker's job in two builds, interleaved in ONE process so that the host's drift hits
// both alike: decoding the benchmark's 512-span protobuf body (`decodeOtlpProtobuf`), and decoding,
// mapping and preparing its rows (`decodeAndMapRequest`, what an ingest worker does per request, the
// posting of the rows to the writing thread left out). Each build is loaded from its own checkout
// (built with `npm run build`); rounds alternate between them. Prints the median CPU per span of each
// and in how many rounds B was faster.
//
//   node --no-allocation-site-pretenuring bench/ingest-worker-ab.mjs <checkout A> <checkout B> [rounds]
//
// `--no-allocation-site-pretenuring`: this loop keeps ten bodies alive, and in about one run of three
// V8 otherwise moves their objects to the old generation and the whole run takes twice the CPU
// (an ingest worker holds one body at a time and was not seen to).
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createIngestPayload } from "./lib/ingest-payload.mjs";

const [a, b, roundsArg] = process.argv.slice(2);
if (a === undefined || b === undefined) {
  console.error("usage: node --no-allocation-site-pretenuring bench/ingest-worker-ab.mjs <checkout A> <checkout B> [rounds]");
  process.exit(2);
}
const rounds = Number(roundsArg ?? 20);

async function load(checkout) {
  const dist = (file) => pathToFileURL(join(resolve(checkout), "packages", "server", "dist", file)).href;
  const server = await import(dist("index.js"));
  const { decodeAndMapRequest } = await import(dist("ingest/decode-request.js"));
  const sources = new server.PriceSourceCache().sourcesFor(undefined);
  return {
    decode: (body) => server.decodeOtlpProtobuf(body).spans.length,
    map: (body) => {
      let spans = 0;
      const request = { format: "protobuf", body, contentEncoding: undefined, maxBodyBytes: Number.MAX_SAFE_INTEGER };
      const rest = decodeAndMapRequest(request, sources, (chunk) => (spans += chunk.length));
      return spans + rest.records.length;
    },
  };
}

const payload = createIngestPayload();
const bodies = Array.from({ length: 10 }, () => payload.body().body);
const builds = { A: await load(a), B: await load(b) };
/** CPU µs per span of one pass over the bodies. */
function cpuPerSpan(run) {
  const start = process.cpuUsage();
  let spans = 0;
  for (const body of bodies) spans += run(body);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / spans;
}
for (let warm = 0; warm < 5; warm++) {
  for (const k of ["A", "B"]) {
    cpuPerSpan(builds[k].decode);
    cpuPerSpan(builds[k].map);
  }
}
const results = { A: { decode: [], map: [] }, B: { decode: [], map: [] } };
for (let round = 0; round < rounds; round++) {
  for (const k of round % 2 === 0 ? ["A", "B"] : ["B", "A"]) {
    results[k].decode.push(cpuPerSpan(builds[k].decode));
    results[k].map.push(cpuPerSpan(builds[k].map));
  }
}
const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];
const fasterB = (part) => results.A[part].filter((value, i) => results.B[part][i] < value).length;
const line = (part) => ({
  A: Number(median(results.A[part]).toFixed(2)),
  B: Number(median(results.B[part]).toFixed(2)),
  bFasterInRounds: `${fasterB(part)}/${rounds}`,
});
console.log(JSON.stringify({ cpuUsPerSpan: { decode: line("decode"), decodeMapPrepare: line("map") } }));
