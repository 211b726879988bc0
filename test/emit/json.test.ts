import { test } from "node:test";
import assert from "node:assert/strict";
import { toJson, JSON_FORMAT_VERSION } from "../../src/emit/json.ts";
import { sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

test("the document holds version, model and findings in that order", () => {
  const text = toJson(sampleModel(), sampleFindings());
  const parsed = JSON.parse(text);
  assert.deepEqual(Object.keys(parsed), ["version", "model", "findings"]);
  assert.equal(parsed.version, JSON_FORMAT_VERSION);
  assert.deepEqual(parsed.model, sampleModel());
  assert.deepEqual(parsed.findings, sampleFindings());
});

test("keys are sorted at every level", () => {
  const parsed = JSON.parse(toJson(sampleModel(), sampleFindings()));
  assert.deepEqual(Object.keys(parsed.model).slice(0, 4), ["coverage", "dataAccesses", "endpoints", "entities"]);
  assert.deepEqual(Object.keys(parsed.findings[0]).slice(0, 3), ["area", "band", "confidence"]);
  assert.deepEqual(Object.keys(parsed.model.endpoints[0].auth), ["mechanisms", "state"]);
});

test("the bytes do not depend on the order objects were built in", () => {
  const model = sampleModel();
  const reversed = Object.fromEntries(Object.entries(model).reverse()) as typeof model;
  reversed.endpoints = reversed.endpoints.map((e) => Object.fromEntries(Object.entries(e).reverse()) as typeof e);
  assert.equal(toJson(reversed, sampleFindings()), toJson(sampleModel(), sampleFindings()));
});

test("the text uses 2-space indentation and ends with a newline", () => {
  const text = toJson(sampleModel(), []);
  assert.match(text, /^\{\n  "version": 1,\n  "model": \{\n    "coverage": \{/);
  assert.ok(text.endsWith("}\n"));
});
