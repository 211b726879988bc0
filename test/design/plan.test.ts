// The shared pieces of the plans: missing information becomes questions, figures print their arithmetic.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { figure, formatNumber, questions, showFigure } from "../../src/design/plan.ts";

describe("plan helpers", () => {
  it("asks for what the shop example leaves out", () => {
    assert.deepEqual(questions(loadRequirements("examples/requirements/shop.yaml")).map((q) => q.id), ["rate-limit-email"]);
  });

  it("writes a figure as formula = arithmetic = value", () => {
    assert.equal(showFigure(figure(58, "connections", "⌈a × b⌉", "⌈46.25 × 1.25⌉")), "⌈a × b⌉ = ⌈46.25 × 1.25⌉ = **58 connections**");
    assert.equal(formatNumber(0.1 + 0.2), "0.3");
    assert.equal(formatNumber(Infinity), "∞");
  });
});
