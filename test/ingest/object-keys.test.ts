// Keys of analysed object literals are data: `__proto__` is stored as an entry, never as the
// prototype of bka's own record (which structured clone and the worker transfer would drop).
import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources } from "./analyze-helper.ts";
import { prune } from "../../src/ingest/js/sym.ts";

test("an object literal with a __proto__ key keeps it as an own entry", () => {
  const index = analyzeSources({ "src/a.ts": `export const options = { __proto__: { admin: true }, limit: 5 };` });
  const value = index.resolve({ k: "mod", file: "src/a.ts", name: "options" });
  assert.equal(value.k, "obj");
  if (value.k !== "obj") return;
  assert.equal(Object.getPrototypeOf(value.props), Object.prototype);
  assert.deepEqual(Object.keys(value.props).sort(), ["__proto__", "limit"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(value.props, "__proto__")?.value, { k: "obj", props: { admin: { k: "lit", value: true } }, spreads: [] });
  // Pruning copies the record: the entry survives it too.
  const copy = prune(value, 2);
  assert.ok(copy.k === "obj" && Object.hasOwn(copy.props, "__proto__") && Object.getPrototypeOf(copy.props) === Object.prototype);
});
