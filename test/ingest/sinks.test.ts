// The model's `sinks` section: what the extractor and link step record, before any rule reads it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ingest } from "../../src/ingest/index.ts";

const root = (rule: string, variant: string) => fileURLToPath(new URL(`../fixtures/rules/${rule}/${variant}/`, import.meta.url));

async function sinksOf(rule: string, variant: string): Promise<string[]> {
  const { model } = await ingest(root(rule, variant));
  return (model.sinks ?? []).map((s) => `${s.kind} ${s.api} ${s.interpolation} ${s.location.file}:${s.location.line} [${s.flows.map((f) => f.source.path).join(",")}]`);
}

test("NoSQL: a $where string and a filter field taken as-is from the body; the update document is not a filter", async () => {
  assert.deepEqual(await sinksOf("nosql-injection", "bad"), [
    "nosql $where request src/app.js:9 [params.id]",
    "nosql updateOne filter request src/app.js:14 [body.id]",
  ]);
  assert.deepEqual(await sinksOf("nosql-injection", "good"), []);
});

test("a helper's parameter is followed to the call site that passes request input (command)", async () => {
  assert.deepEqual(await sinksOf("command-injection", "bad"), ["command child_process.exec request src/convert.js:5 [query.file]"]);
  // execFile without a shell and a constant exec are not sinks.
  assert.deepEqual(await sinksOf("command-injection", "good"), []);
});

test("vm: the sandbox counts when the program evaluates it; a parameter nobody calls is of unknown origin", async () => {
  assert.deepEqual(await sinksOf("code-injection", "bad"), [
    "code vm.runInNewContext request src/app.js:10 [body.formula]",
    "code global.eval unknown src/app.js:17 []",
  ]);
  assert.deepEqual(await sinksOf("code-injection", "good"), []);
});

test("zip entry names written to disk, and YAML / XML parser options", async () => {
  assert.deepEqual(await sinksOf("zip-slip", "bad"), ["zip fs.createWriteStream request src/app.js:12 []"]);
  // A generated name is no entry name: only a plain file write of unknown origin remains.
  assert.deepEqual(await sinksOf("zip-slip", "good"), ["path fs.createWriteStream unknown src/app.js:13 []"]);
  assert.deepEqual(await sinksOf("unsafe-deserialization", "bad"), [
    "deserialization js-yaml.load request src/app.js:9 [body]",
    "deserialization libxmljs2.parseXml request src/app.js:14 [body]",
  ]);
  assert.deepEqual(await sinksOf("unsafe-deserialization", "good"), []);
});
