// Packed facts must come back exactly as structured clone would bring them back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pack, transferables, unpack } from "../../src/ingest/fact-transfer.ts";

function viaPostMessage(value: unknown): unknown {
  const packed = pack(value);
  return unpack(structuredClone(packed, { transfer: transferables(packed) }));
}

test("plain data comes back as structured clone brings it back", () => {
  const value = {
    k: "call",
    args: [{ k: "lit", value: 1 }, { k: "lit", value: -0 }, { k: "lit", value: 0.5 }, { k: "lit", value: NaN }, { k: "lit", value: 2 ** 40 }],
    empty: [[], {}],
    flags: [true, false, null, undefined],
    text: ["", "é ✓ 𝒳", "a".repeat(1000)],
    loc: { file: "src/a.ts", line: 3, column: 7 },
    "0": "numeric key",
  };
  const back = viaPostMessage(value);
  assert.deepStrictEqual(back, structuredClone(value));
  assert.equal(JSON.stringify(back), JSON.stringify(value));
  assert.ok(Object.is((back as typeof value).args[1].value, -0));
});

test("shared references and cycles stay shared", () => {
  const loc = { file: "a.ts", line: 1, column: 1 };
  const node: Record<string, unknown> = { loc, again: loc };
  node.self = node;
  const back = viaPostMessage([node, node]) as Array<typeof node>;
  assert.equal(back[0], back[1]);
  assert.equal(back[0].self, back[0]);
  assert.equal(back[0].loc, back[0].again);
});

test("a __proto__ key stays an own key and other prototypes are dropped, as structured clone does", () => {
  const props = JSON.parse('{"__proto__": {"k": "lit", "value": null}, "a": 1}');
  const inheriting = Object.assign(Object.create({ inherited: true }), { own: 1 });
  const value = { props, inheriting, bare: Object.assign(Object.create(null), { x: 1 }) };
  const back = viaPostMessage(value) as Record<string, Record<string, unknown>>;
  assert.deepStrictEqual(back, structuredClone(value));
  assert.deepEqual(Object.keys(back.props), ["__proto__", "a"]);
  assert.equal(Object.getPrototypeOf(back.props), Object.prototype);
  assert.equal(back.inheriting.inherited, undefined);
});

test("values structured clone treats differently are refused, so the caller can fall back", () => {
  for (const value of [new Map(), new Set(), new Date(0), /x/, new Error("e"), new Uint8Array(1), () => 1, Symbol("s"), 1n]) {
    assert.throws(() => pack({ value }), TypeError);
  }
});
