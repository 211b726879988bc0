import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule } from "../../src/rules/reliability/outbound-without-timeout.ts";
import type { ArchitectureModel, OutboundCall } from "../../src/model/types.ts";
import { at, emptyModel, endpoint, evidenceLines, fixture, handler, outboundCall, runRule, service, withUnderstanding } from "./model-builder.ts";

const WEATHER = "src/services/weather.js";
const INVENTORY = "src/services/inventory.js";
const RATES = "src/jobs/sync-rates.js";
const TRIPS = "src/routes/trips.js";
const CART = "src/routes/cart.js";
const STATUS = "src/services/status.js";

type Timeouts = { weather: Partial<OutboundCall>; inventory: Partial<OutboundCall>; rates: Partial<OutboundCall> };

const NO_TIMEOUTS: Timeouts = { weather: {}, inventory: {}, rates: {} };

/** `boundedCall`: the service also makes one call with a deadline, so the others were forgotten one by one. */
function travelModel(root: string, timeouts: Timeouts, weatherCallText = "await fetch(", inventoryCallText = ".get(`", boundedCall = true): ArchitectureModel {
  const weather = outboundCall({
    location: at(root, WEATHER, weatherCallText, { token: "fetch" }),
    client: "fetch",
    target: "https://api.weather.example.com/v1/forecast?city=${...}",
    ...timeouts.weather,
  });
  const inventory = outboundCall({
    location: at(root, INVENTORY, inventoryCallText, { token: ".get" }),
    client: "axios",
    target: "${INVENTORY_URL}/stock/${...}",
    inLoop: true,
    ...timeouts.inventory,
  });
  const rates = outboundCall({
    location: at(root, RATES, "await got(", { token: "got(" }),
    client: "got",
    target: "https://rates.example.com/latest?base=EUR",
    ...timeouts.rates,
  });
  const status = outboundCall({ location: at(root, STATUS, "await fetch(", { token: "fetch" }), client: "fetch", target: "https://status.example.com/api/v2/summary.json", timeout: 1000, timeoutSource: "signal" });
  const tripsHandler = handler({ location: at(root, TRIPS, "async (req, res, next) =>", { token: "async" }), outboundCallIds: [weather.id] });
  const cartHandler = handler({ location: at(root, CART, "async (req, res, next) =>", { token: "async" }), outboundCallIds: [inventory.id] });
  const syncHandler = handler({ location: at(root, RATES, "async function syncRates", { token: "async" }), name: "syncRates", outboundCallIds: [rates.id] });
  return emptyModel({
    services: [service({ id: "travel-api", dependencies: ["axios", "express", "got"] })],
    endpoints: [
      endpoint({ serviceId: "travel-api", method: "GET", path: "/api/trips/{city}/forecast", location: at(root, TRIPS, "trips.get("), handlerId: tripsHandler.id }),
      endpoint({ serviceId: "travel-api", method: "POST", path: "/api/cart/check", location: at(root, CART, "cart.post("), handlerId: cartHandler.id }),
    ],
    handlers: [tripsHandler, cartHandler, syncHandler],
    outboundCalls: boundedCall ? [weather, inventory, rates, status] : [weather, inventory, rates],
  });
}

describe("reliability/outbound-without-timeout", () => {
  test("reports fetch, axios and got calls without a timeout, graver when serving a request or looping", () => {
    const root = fixture("outbound-without-timeout", "bad");
    const findings = runRule(rule, travelModel(root, NO_TIMEOUTS), root);
    assert.equal(findings.length, 3);
    for (const finding of findings) {
      assert.equal(finding.ruleId, "reliability/outbound-without-timeout");
      assert.equal(finding.confidence, 90);
      assert.equal(finding.band, "act");
      assert.ok(finding.references.some((r) => r.id === "CWE-1088"));
      assert.ok(finding.remediation.fix?.replacement);
    }
    const byFile = (file: string) => findings.find((f) => f.location?.file === file)!;

    const weather = byFile(WEATHER);
    assert.equal(weather.severity, "high");
    assert.deepEqual(evidenceLines(weather), [`${WEATHER}:4`, `${TRIPS}:6`]);
    assert.match(weather.message, /The fetch call at src\/services\/weather.js:4 to https:\/\/api.weather.example.com\S* has no timeout/);
    assert.match(weather.message, /300 s/);
    assert.match(weather.message, /while serving GET \/api\/trips\/\{city\}\/forecast/);
    assert.match(weather.remediation.fix?.replacement ?? "", /signal: AbortSignal\.timeout\(3000\)/);

    const inventory = byFile(INVENTORY);
    assert.equal(inventory.severity, "high");
    assert.deepEqual(evidenceLines(inventory), [`${INVENTORY}:8`, `${CART}:6`]);
    assert.equal(inventory.evidence[0].kind === "code" && inventory.evidence[0].label, "called in a loop without a timeout");
    assert.match(inventory.message, /default timeout is 0/);
    assert.match(inventory.remediation.fix?.replacement ?? "", /timeout: 3000/);

    const rates = byFile(RATES);
    assert.equal(rates.severity, "medium", "a background job, not on a request path");
    assert.deepEqual(evidenceLines(rates), [`${RATES}:6`]);
    assert.match(rates.remediation.fix?.replacement ?? "", /timeout: \{ request: 3000 \}/);
  });

  test("a service where no call has a deadline gets one finding listing every call, fixed on a shared client", () => {
    const root = fixture("outbound-without-timeout", "bad");
    const findings = runRule(rule, travelModel(root, NO_TIMEOUTS, "await fetch(", ".get(`", false), root);
    assert.equal(findings.length, 1);
    const [habit] = findings;
    assert.equal(habit.confidence, 90);
    assert.equal(habit.severity, "high");
    assert.equal(habit.occurrences, 3);
    assert.deepEqual(evidenceLines(habit), [`${RATES}:6`, `${INVENTORY}:8`, `${WEATHER}:4`]);
    assert.match(habit.message, /^No outbound HTTP call of travel-api has a timeout: 3 calls \(got at src\/jobs\/sync-rates\.js:6, axios at src\/services\/inventory\.js:8 and fetch at src\/services\/weather\.js:4\)/);
    assert.match(habit.message, /2 of them run while serving a request/);
    assert.match(habit.remediation.summary, /shared client/);
  });

  test("true negative: AbortSignal on fetch, an axios instance default, a got request timeout", () => {
    const root = fixture("outbound-without-timeout", "good");
    const model = travelModel(
      root,
      {
        weather: { timeout: 3000, timeoutSource: "signal" },
        inventory: { timeout: 2000, timeoutSource: "instance", inLoop: false },
        rates: { timeout: 10_000, timeoutSource: "option" },
      },
      "await fetch(",
      "inventory.get(",
    );
    assert.deepEqual(runRule(rule, model, root), []);
  });

  test("an unknown target or an unrecognised client is a decision, with options", () => {
    const root = fixture("outbound-without-timeout", "bad");
    const model = travelModel(root, { weather: { target: undefined }, inventory: { client: "needle" }, rates: {} });
    const decided = runRule(rule, model, root).filter((f) => f.band === "decide");
    assert.equal(decided.length, 2);
    for (const finding of decided) {
      assert.equal(finding.confidence, 80);
      assert.equal(finding.remediation.options?.length, 2);
    }
    const needle = decided.find((f) => f.location?.file === INVENTORY)!;
    assert.equal(needle.remediation.fix, undefined, "no client-specific fix for a client bka does not know");
  });

  test("clients with a default timeout, and non-HTTP calls, are not reported", () => {
    const root = fixture("outbound-without-timeout", "bad");
    const model = travelModel(root, { weather: { client: "ky" }, inventory: { kind: "queue" }, rates: { timeout: "set", timeoutSource: "global" } });
    assert.deepEqual(runRule(rule, model, root), []);
  });

  test("a run that understood little asks instead of asserting", () => {
    const root = fixture("outbound-without-timeout", "bad");
    const findings = runRule(rule, withUnderstanding(travelModel(root, NO_TIMEOUTS), 0), root);
    assert.equal(findings.length, 3);
    for (const finding of findings) {
      assert.equal(finding.confidence, 54); // 90 × 0.6
      assert.equal(finding.band, "ask");
      assert.match(finding.question ?? "", /need a deadline/);
    }
  });
});
