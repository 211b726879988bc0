// Outbound HTTP calls: client, target, timeout and where it comes from, retry, circuit breaker,
// and request input reaching the URL.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources } from "../analyze-helper.ts";
import { buildOutboundCalls } from "../../../src/ingest/code/outbound.ts";
import { requestParamKey, type RequestParam } from "../../../src/ingest/code/request-reads.ts";
import type { OutboundCall } from "../../../src/model/types.ts";

function callsOf(files: Record<string, string>): OutboundCall[] {
  const index = analyzeSources(files);
  const handlers = new Map<string, RequestParam>([...index.functions.values()].filter((f) => f.params[0] === "req").map((f) => [requestParamKey(f.id, 0), { index: 0, style: "express" }]));
  return buildOutboundCalls(index, handlers);
}

/** line → [client, timeout, timeoutSource] */
const timeouts = (calls: OutboundCall[]) => calls.map((c) => [c.location.line, c.client, c.timeout, c.timeoutSource ?? "-"]);

describe("outbound: fetch", () => {
  it("reads AbortSignal.timeout, a controller aborted by a timer, and their absence", () => {
    const calls = callsOf({
      "src/weather.ts": [
        `const BASE = "https://api.weather.example.com/v1";`,
        "export const a = () => fetch(`${BASE}/today`);",
        "export const b = () => fetch(`${BASE}/week`, { signal: AbortSignal.timeout(5000) });",
        `export async function c() {`,
        `  const controller = new AbortController();`,
        `  const timer = setTimeout(() => controller.abort(), 3000);`,
        "  try { return await fetch(`${BASE}/month`, { signal: controller.signal }); } finally { clearTimeout(timer); }",
        `}`,
        `export function d() {`,
        `  const controller = new AbortController();`,
        "  return fetch(`${BASE}/year`, { signal: controller.signal });",
        `}`,
        "export const e = (signal) => fetch(`${BASE}/alerts`, { signal });",
      ].join("\n"),
    });
    assert.deepEqual(timeouts(calls), [
      [2, "fetch", "none", "-"],
      [3, "fetch", 5000, "signal"],
      [7, "fetch", 3000, "signal"],
      [11, "fetch", "none", "-"],
      [13, "fetch", "set", "signal"],
    ]);
    assert.deepEqual(calls.map((c) => c.target), [
      "https://api.weather.example.com/v1/today",
      "https://api.weather.example.com/v1/week",
      "https://api.weather.example.com/v1/month",
      "https://api.weather.example.com/v1/year",
      "https://api.weather.example.com/v1/alerts",
    ]);
  });

  it("recognises node-fetch and undici", () => {
    const calls = callsOf({
      "src/a.ts": `import fetch from "node-fetch";\nimport { request } from "undici";\nexport const a = () => fetch("http://a.internal/x", { timeout: 1500 });\nexport const b = () => request("http://b.internal/y", { headersTimeout: 2500 });\n`,
    });
    assert.deepEqual(timeouts(calls), [[3, "node-fetch", 1500, "option"], [4, "undici", 2500, "option"]]);
  });
});

describe("outbound: axios", () => {
  it("reads call options, instance defaults across files, and global defaults", () => {
    const calls = callsOf({
      "src/http.ts": `import axios from "axios";\nexport const inventory = axios.create({ baseURL: process.env.INVENTORY_URL ?? "http://inventory.internal:8080", timeout: 2000 });\nexport const billing = axios.create({ baseURL: "http://billing.internal" });\nbilling.defaults.timeout = 4000;\n`,
      "src/calls.ts": [
        `import axios from "axios";`,
        `import { inventory, billing } from "./http.js";`,
        `export const a = () => axios.get("https://rates.example.com/latest");`,
        `export const b = (body) => axios.post("https://hooks.example.com/x", body, { timeout: 1000 });`,
        `export const c = () => axios({ url: "https://example.com/y", method: "get", timeout: 750 });`,
        "export const d = (sku) => inventory.get(`/stock/${encodeURIComponent(sku)}`);",
        `export const e = () => billing.post("/invoices", {});`,
      ].join("\n"),
    });
    assert.deepEqual(timeouts(calls), [
      [3, "axios", "none", "-"],
      [4, "axios", 1000, "option"],
      [5, "axios", 750, "option"],
      [6, "axios", 2000, "instance"],
      [7, "axios", 4000, "instance"],
    ]);
    assert.deepEqual(calls.map((c) => c.target), ["https://rates.example.com/latest", "https://hooks.example.com/x", "https://example.com/y", "http://inventory.internal:8080/stock/${…}", "http://billing.internal/invoices"]);
  });

  it("applies axios.defaults.timeout to the default instance", () => {
    const calls = callsOf({ "src/a.ts": `import axios from "axios";\naxios.defaults.timeout = 5000;\nexport const a = () => axios.get("https://x.example.com");\n` });
    assert.deepEqual(timeouts(calls), [[3, "axios", 5000, "global"]]);
  });

  it("sees axios-retry on an instance, p-retry around a call and an opossum breaker around a function", () => {
    const calls = callsOf({
      "src/a.ts": [
        `import axios from "axios";`,
        `import axiosRetry from "axios-retry";`,
        `import pRetry from "p-retry";`,
        `import CircuitBreaker from "opossum";`,
        `const api = axios.create({ timeout: 1000 });`,
        `axiosRetry(api, { retries: 3 });`,
        `export const a = () => api.get("/a");`,
        `export const b = () => pRetry(() => fetch("https://b.example.com"), { retries: 2 });`,
        `async function charge(id) { return axios.post("https://pay.example.com/charge", { id }, { timeout: 2000 }); }`,
        `export const breaker = new CircuitBreaker(charge, { timeout: 3000 });`,
        `export const c = () => axios.get("https://c.example.com", { timeout: 100 });`,
      ].join("\n"),
    });
    assert.deepEqual(
      calls.map((c) => [c.location.line, c.retry, c.circuitBreaker]),
      [[7, true, false], [8, true, false], [9, false, true], [11, false, false]],
    );
  });
});

describe("outbound: got, superagent, node:http, ky", () => {
  it("reads got options and got.extend instances", () => {
    const calls = callsOf({
      "src/a.ts": [
        `import got from "got";`,
        `const client = got.extend({ prefixUrl: "https://api.example.com", timeout: { request: 5000 }, retry: { limit: 2 } });`,
        `export const a = () => got("https://rates.example.com/latest");`,
        `export const b = () => got.post("https://rates.example.com/x", { timeout: { request: 10_000 } });`,
        `export const c = () => client.get("users");`,
      ].join("\n"),
    });
    assert.deepEqual(timeouts(calls), [[3, "got", "none", "-"], [4, "got", 10000, "option"], [5, "got", 5000, "instance"]]);
    assert.deepEqual(calls.map((c) => c.retry), [false, false, true]);
    assert.equal(calls[2].target, "https://api.example.com/users");
  });

  it("reads superagent's chained .timeout() and .retry()", () => {
    const calls = callsOf({
      "src/a.ts": `import request from "superagent";\nexport const a = () => request.get("https://a.example.com").set("accept", "json").timeout({ response: 2000, deadline: 8000 }).retry(2);\nexport const b = () => request.post("https://b.example.com").send({});\n`,
    });
    assert.deepEqual(timeouts(calls), [[2, "superagent", 8000, "option"], [3, "superagent", "none", "-"]]);
    assert.deepEqual(calls.map((c) => c.retry), [true, false]);
  });

  it("reads node:http options and req.setTimeout", () => {
    const calls = callsOf({
      "src/a.ts": [
        `import http from "node:http";`,
        `import https from "node:https";`,
        `export const a = () => http.request({ hostname: "users.internal", path: "/v1/users", timeout: 3000 });`,
        `export function b() {`,
        `  const req = https.get("https://status.example.com");`,
        `  req.setTimeout(2000);`,
        `  return req;`,
        `}`,
        `export const c = () => https.request("https://x.example.com", (res) => res.resume());`,
      ].join("\n"),
    });
    assert.deepEqual(timeouts(calls), [[3, "node:http", 3000, "option"], [5, "node:https", 2000, "option"], [9, "node:https", "none", "-"]]);
    assert.equal(calls[0].target, "http://users.internal/v1/users");
  });

  it("gives ky its default 10 s timeout unless turned off", () => {
    const calls = callsOf({ "src/a.ts": `import ky from "ky";\nexport const a = () => ky.get("https://a.example.com").json();\nexport const b = () => ky("https://b.example.com", { timeout: false });\n` });
    assert.deepEqual(timeouts(calls), [[2, "ky", 10000, "instance"], [3, "ky", "none", "option"]]);
  });
});

describe("outbound: URLs from the request, loops, and things that are not requests", () => {
  it("follows request input into the URL (SSRF), but not through encodeURIComponent", () => {
    const calls = callsOf({
      "src/proxy.ts": [
        `import axios from "axios";`,
        `export async function proxy(req, res) {`,
        `  const upstream = await fetch(req.query.url, { signal: AbortSignal.timeout(2000) });`,
        "  const safe = await axios.get(`https://search.example.com/?q=${encodeURIComponent(req.query.q)}`, { timeout: 1000 });",
        `  res.send([upstream, safe]);`,
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(calls[0].urlFlows, [
      { source: { kind: "query", path: "query.url", location: { file: "src/proxy.ts", line: 3, column: 32 } }, steps: [{ file: "src/proxy.ts", line: 3, column: 26 }] },
    ]);
    assert.deepEqual(calls[1].urlFlows, []);
  });

  it("marks calls in loops and iteration callbacks", () => {
    const calls = callsOf({
      "src/a.ts": `import axios from "axios";\nexport async function all(ids) {\n  for (const id of ids) await axios.get("https://a.example.com/" + id);\n  return Promise.all(ids.map((id) => fetch("https://b.example.com/" + id)));\n}\n`,
    });
    assert.deepEqual(calls.map((c) => [c.location.line, c.inLoop, c.target]), [[3, true, "https://a.example.com/${…}"], [4, true, "https://b.example.com/${…}"]]);
  });

  it("does not take routers, maps or request getters for HTTP calls", () => {
    const calls = callsOf({
      "src/app.ts": `import express from "express";\nconst app = express();\nconst cache = new Map();\napp.get("/x", (req, res) => res.send(cache.get(req.get("host"))));\napp.post("/y", (req, res) => res.end());\n`,
    });
    assert.deepEqual(calls, []);
  });
});
