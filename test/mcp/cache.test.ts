// The server reviews each project once per process; `refresh` re-runs it; a failed review is not
// cached. A real Client over the SDK's in-memory transport, with a counting review function.
import { test } from "node:test";
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createBkaServer } from "../../src/mcp/server.ts";
import { BadInputError } from "../../src/ingest/workspace/types.ts";
import { sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

const examples = realpathSync(fileURLToPath(new URL("../../examples", import.meta.url)));

async function connect(review: (path: string) => Promise<{ model: ReturnType<typeof sampleModel>; findings: ReturnType<typeof sampleFindings> }>) {
  const server = createBkaServer({ roots: [examples], review });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "cache-test", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

test("one review per project per server process; refresh re-runs it", async () => {
  const reviewed: string[] = [];
  const client = await connect(async (path) => {
    reviewed.push(path);
    return { model: sampleModel(), findings: sampleFindings() };
  });
  await client.callTool({ name: "review", arguments: { path: "express-shop" } });
  await client.callTool({ name: "list_endpoints", arguments: { path: "express-shop" } });
  await client.callTool({ name: "get_findings", arguments: { path: `${examples}/express-shop` } });
  await client.callTool({ name: "check", arguments: { path: "express-shop/" } });
  assert.deepEqual(reviewed, [`${examples}/express-shop`]);
  await client.callTool({ name: "review", arguments: { path: "fastify-notes" } });
  await client.callTool({ name: "review", arguments: { path: "express-shop", refresh: true } });
  assert.deepEqual(reviewed, [`${examples}/express-shop`, `${examples}/fastify-notes`, `${examples}/express-shop`]);
  await client.close();
});

test("a failed review is reported as a tool error and not cached", async () => {
  let calls = 0;
  const client = await connect(async () => {
    calls += 1;
    if (calls === 1) throw new BadInputError("none of the 3 source file(s) under express-shop could be read");
    return { model: sampleModel(), findings: sampleFindings() };
  });
  const failed = (await client.callTool({ name: "review", arguments: { path: "express-shop" } })) as { isError?: boolean; content: { text: string }[] };
  assert.equal(failed.isError, true);
  assert.equal(failed.content[0].text, "none of the 3 source file(s) under express-shop could be read");
  const retried = (await client.callTool({ name: "review", arguments: { path: "express-shop" } })) as { isError?: boolean; structuredContent?: { project: string } };
  assert.equal(retried.isError, undefined);
  assert.equal(retried.structuredContent?.project, "conduit-monorepo");
  assert.equal(calls, 2);
  await client.close();
});

test("an internal error is reported as such, without a stack", async () => {
  const client = await connect(async () => {
    throw new TypeError("cannot read properties of undefined (reading 'x')\n    at somewhere");
  });
  const result = (await client.callTool({ name: "review", arguments: {} })) as { isError?: boolean; content: { text: string }[] };
  assert.equal(result.isError, true);
  assert.equal(result.content[0].text, "internal error in bka: cannot read properties of undefined (reading 'x')");
  await client.close();
});
