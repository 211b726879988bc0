// Taint from request inputs: through helpers' parameters (call sites), through project functions'
// return values (summaries), stopped by sanitisers; and the call graph handlers reach.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources, functionAt } from "../analyze-helper.ts";
import { originOf, reachableFunctions, taintFlowsOf } from "../../../src/ingest/link/taint.ts";
import { requestParamKey, type RequestParam } from "../../../src/ingest/code/request-reads.ts";
import type { ProjectIndex } from "../../../src/ingest/link/project-index.ts";
import type { Sym } from "../../../src/ingest/js/sym.ts";
import type { TaintFlow } from "../../../src/model/types.ts";

const EXPRESS: RequestParam = { index: 0, style: "express" };

function handlers(index: ProjectIndex): Map<string, RequestParam> {
  return new Map([...index.functions.values()].filter((f) => f.params[0] === "req").map((f) => [requestParamKey(f.id, 0), EXPRESS]));
}

/** The first argument of every `sink(...)` call in a file, in source order. */
function sinkArgs(index: ProjectIndex, file: string): Sym[] {
  return index.files.get(file)!.calls.filter((c) => c.callee.k === "mod" && c.callee.name === "sink").map((c) => c.args[0]);
}

const flowRows = (flows: TaintFlow[]) => flows.map((f) => `${f.source.path}@${f.source.location.line}:${f.source.location.column} ${f.steps.map((s) => `${s.file.replace("src/", "")}:${s.line}:${s.column}`).join(" > ")}`);

const SINK = `export function sink(value) { return value; }\n`;

describe("taint: paths through the project", () => {
  it("follows a value through two helpers' parameters, adding each call site as a step", () => {
    const index = analyzeSources({
      "src/sink.ts": SINK,
      "src/repo.ts": `import { sink } from "./sink.js";\nexport function find(term) {\n  return sink("SELECT * FROM t WHERE a = '" + term + "'");\n}\n`,
      "src/service.ts": `import { find } from "./repo.js";\nexport const search = (q) => find(q.trim());\n`,
      "src/routes.ts": `import { search } from "./service.js";\nexport const list = (req, res) => res.json(search(req.query.q));\n`,
    });
    const [sql] = sinkArgs(index, "src/repo.ts");
    assert.deepEqual(flowRows(taintFlowsOf(index, sql, handlers(index), { sink: { file: "src/repo.ts", line: 3, column: 10 } })), ["query.q@2:51 routes.ts:2:44 > service.ts:2:30 > repo.ts:3:10"]);
  });

  it("follows a value into a project function's return value and out again", () => {
    const index = analyzeSources({
      "src/sink.ts": SINK,
      "src/sql.ts": "export const byName = (name) => `SELECT * FROM users WHERE name = '${name}'`;\nexport const byId = (id) => `SELECT * FROM users WHERE id = ${Number(id)}`;\n",
      "src/routes.ts": `import { sink } from "./sink.js";\nimport { byName, byId } from "./sql.js";\nexport function show(req, res) {\n  sink(byName(req.body.name));\n  sink(byId(req.params.id));\n}\n`,
    });
    const [byName, byId] = sinkArgs(index, "src/routes.ts");
    const params = handlers(index);
    assert.deepEqual(flowRows(taintFlowsOf(index, byName, params)), ["body.name@4:15 routes.ts:4:8"]);
    assert.deepEqual(originOf(index, byId, params), { kind: "constant", flows: [] });
  });

  it("lists several inputs once each, in source order", () => {
    const index = analyzeSources({
      "src/sink.ts": SINK,
      "src/routes.ts": "import { sink } from './sink.js';\nexport function f(req, res) {\n  const a = req.query.b;\n  const { c } = req.body;\n  sink(`${c} ${a} ${a} ${req.get('x-forwarded-for')}`);\n}\n",
    });
    const [value] = sinkArgs(index, "src/routes.ts");
    assert.deepEqual(flowRows(taintFlowsOf(index, value, handlers(index))), ["query.b@3:13 ", "body.c@4:11 ", "headers.x-forwarded-for@5:26 "]);
  });

  it("ends on recursion instead of looping", () => {
    const index = analyzeSources({
      "src/sink.ts": SINK,
      "src/loop.ts": `import { sink } from "./sink.js";\nexport function a(x) { return b(x); }\nexport function b(y) { return a(y); }\nexport function c(req) { return sink(a(req.query.q)); }\n`,
    });
    const [value] = sinkArgs(index, "src/loop.ts");
    assert.deepEqual(originOf(index, value, handlers(index)), { kind: "unknown", flows: [] });
  });
});

describe("taint: sanitisers", () => {
  const index = analyzeSources({
    "src/sink.ts": SINK,
    "src/schemas.ts": `import { z } from "zod";\nexport const User = z.object({ name: z.string() });\n`,
    "src/routes.ts": [
      `import { sink } from "./sink.js";`,
      `import { User } from "./schemas.js";`,
      `import SqlString from "sqlstring";`,
      `import format from "pg-format";`,
      `export function f(req, res) {`,
      `  sink(parseInt(req.query.page, 10));`,
      `  sink(User.parse(req.body).name);`,
      `  sink(SqlString.escape(req.query.q));`,
      `  sink(format("SELECT * FROM %I WHERE a = %L", req.query.t, req.query.a));`,
      `  sink(format("SELECT * FROM %s", req.query.t));`,
      "  sink(`https://api.example.com/?q=${encodeURIComponent(req.query.q)}`);",
      `  sink(JSON.parse(req.body.raw).name);`,
      `}`,
    ].join("\n"),
  });
  const values = sinkArgs(index, "src/routes.ts");
  const kinds = (context: "sql" | "url") => values.map((v) => originOf(index, v, handlers(index), { context }).kind);

  it("stops at numbers, schema validation and escaping, but not at %s or JSON.parse", () => {
    assert.deepEqual(kinds("sql"), ["constant", "constant", "constant", "constant", "request", "request", "request"]);
  });

  it("counts encodeURIComponent only inside a URL", () => {
    assert.deepEqual(kinds("url"), ["constant", "constant", "constant", "constant", "request", "constant", "request"]);
  });
});

describe("reachableFunctions", () => {
  it("follows calls across files, methods on this, and callbacks, and sorts the result", () => {
    const index = analyzeSources({
      "src/repo.ts": `export class Repo {\n  find(id) { return this.load(id); }\n  load(id) { return id; }\n}\nexport const repo = new Repo();\n`,
      "src/service.ts": `import { repo } from "./repo.js";\nconst format = (row) => row;\nexport function show(ids) {\n  return ids.map((id) => repo.find(id)).map(format);\n}\nexport function unused() {}\n`,
      "src/routes.ts": `import { show } from "./service.js";\nexport const handler = (req, res) => res.json(show(req.body.ids));\n`,
    });
    assert.deepEqual(reachableFunctions(index, functionAt(index, "src/routes.ts", 2)), [
      "src/repo.ts:2:7",
      "src/repo.ts:3:7",
      "src/routes.ts:2:24",
      "src/service.ts:2:16",
      "src/service.ts:3:8",
      "src/service.ts:4:18",
    ]);
  });
});
