// Packages published as compiled CommonJS reach their imports through interop helpers: Babel's
// `_interopRequireDefault(require("express"))`, TypeScript's `__importDefault(...)`, esbuild's
// `__toESM(...)`. Calls of helpers with those names read as the module itself; and a call of any
// project function stands for its return with the call's arguments in it, so
// `(0, express_1.default)()` is an express app and `_express.default.Router()` a router, also when
// the router is made in a class method another file calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../src/ingest/index.ts";
import { analyzeSources } from "./analyze-helper.ts";
import { describe as render } from "../../src/ingest/js/sym.ts";
import { row } from "./endpoints.ts";

const endpoints = async (fixture: string) => (await ingest(`test/fixtures/compiled-interop/${fixture}`)).model.endpoints.map(row).sort();

test("Babel output: a router made in a class method behind _interopRequireDefault", async () => {
  assert.deepEqual(await endpoints("babel"), ["GET /files/{appId}/{filename} none", "POST /files/{filename} none"]);
});

test("TypeScript output: routers and the app behind __importDefault, mounted under a prefix", async () => {
  assert.deepEqual(await endpoints("tsc"), ["DELETE /api/users/{id} none", "GET /api/users/{id} none"]);
});

test("esbuild output: __toESM(require(...)) reads as the module, for express and for a project's auth middleware", async () => {
  assert.deepEqual(await endpoints("esbuild"), ["GET /health none", "POST /orders required"]);
});

test("Rollup output: a helper of another name is followed through its return, `express.default` or `express` either way", async () => {
  assert.deepEqual(await endpoints("rollup"), ["GET /ping none", "GET /v1/items/{id} none"]);
});

test("a call of a project function returns what it returns for these arguments, per call", () => {
  const index = analyzeSources({
    "src/a.js": [
      "function box(value) { return { value }; }",
      "const first = box(1).value;",
      "const second = box('two').value;",
      "export const pair = [first, second];",
    ].join("\n"),
  });
  const pair = index.resolve(index.exportOf("src/a.js", "pair")!);
  assert.equal(pair.k, "arr");
  assert.deepEqual(pair.k === "arr" ? pair.items.map((item) => render(index.resolve(item))) : [], ["1", '"two"']);
});
