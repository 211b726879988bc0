// What a handler reads from its request: member chains, destructuring, header getters, and the
// reads of helpers it hands the request (or a part of it) to; per framework.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources, functionAt } from "../analyze-helper.ts";
import { requestInputsOf } from "../../../src/ingest/link/code-model.ts";
import type { RequestInput } from "../../../src/model/types.ts";

const rows = (inputs: RequestInput[]) => inputs.map((i) => `${i.kind} ${i.path} ${i.location.file}:${i.location.line}:${i.location.column}`);

describe("request inputs: Express", () => {
  it("reads member chains, destructuring and header getters, not server-side state", () => {
    const index = analyzeSources({
      "src/routes.ts": [
        `export async function signup(req, res) {`,
        `  const { password, profile: { name } } = req.body;`,
        `  const email = req.body.email.trim().toLowerCase();`,
        `  const ref = req.query.ref;`,
        `  const key = req.get("X-Api-Key") ?? req.header("Authorization");`,
        `  const tags = req.body.tags.length ? req.body.tags : [];`,
        `  res.json({ email, password, name, ref, key, tags, sid: req.cookies.sid, by: req.user.id, id: req.params["id"] });`,
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(rows(requestInputsOf(index, functionAt(index, "src/routes.ts", 1), { index: 0, style: "express" })), [
      "body body.email src/routes.ts:3:17",
      "body body.password src/routes.ts:2:11",
      "body body.profile.name src/routes.ts:2:32",
      "body body.tags src/routes.ts:6:16",
      "cookies cookies.sid src/routes.ts:7:58",
      "headers headers.authorization src/routes.ts:5:39",
      "headers headers.x-api-key src/routes.ts:5:15",
      "params params.id src/routes.ts:7:96",
      "query query.ref src/routes.ts:4:15",
    ]);
  });

  it("follows req and req.body into helpers in other files", () => {
    const index = analyzeSources({
      "src/validate.ts": `export function checkSignup(body) {\n  if (!body.email || !body.password) throw new Error("missing");\n}\n`,
      "src/audit.ts": `export function audit(req, action) {\n  console.log(action, req.ip, req.headers["user-agent"]);\n}\n`,
      "src/store.ts": `export const save = (body) => db.insert(body);\n`,
      "src/routes.ts": [
        `import { checkSignup } from "./validate.js";`,
        `import { audit } from "./audit.js";`,
        `import { save } from "./store.js";`,
        `export async function signup(req, res) {`,
        `  checkSignup(req.body);`,
        `  audit(req, "signup");`,
        `  await save(req.body.profile);`,
        `  res.end();`,
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(rows(requestInputsOf(index, functionAt(index, "src/routes.ts", 4), { index: 0, style: "express" })), [
      "body body.email src/validate.ts:2:8",
      "body body.password src/validate.ts:2:23",
      "body body.profile src/routes.ts:7:14",
      "headers headers.user-agent src/audit.ts:2:31",
      "other ip src/audit.ts:2:23",
    ]);
  });
});

describe("request inputs: other frameworks", () => {
  it("reads Fastify requests, including a destructured parameter", () => {
    const index = analyzeSources({
      "src/routes.ts": `export const a = async (request, reply) => ({ q: request.query.q, id: request.params.id });\nexport const b = async ({ body, headers }) => [body.title, headers["x-request-id"]];\n`,
    });
    assert.deepEqual(rows(requestInputsOf(index, functionAt(index, "src/routes.ts", 1), { index: 0, style: "fastify" })), ["params params.id src/routes.ts:1:71", "query query.q src/routes.ts:1:50"]);
    assert.deepEqual(rows(requestInputsOf(index, functionAt(index, "src/routes.ts", 2), { index: 0, style: "fastify" })), ["body body.title src/routes.ts:2:48", "headers headers.x-request-id src/routes.ts:2:60"]);
  });

  it("reads Koa contexts and Hono's c.req getters", () => {
    const index = analyzeSources({
      "src/koa.ts": `export async function k(ctx) {\n  ctx.body = { a: ctx.request.body.name, b: ctx.query.page, c: ctx.params.id, d: ctx.get("x-tenant"), e: ctx.cookies.get("sid") };\n}\n`,
      "src/hono.ts": `export const h = async (c) => {\n  const body = await c.req.json();\n  return c.json({ q: c.req.query("q"), id: c.req.param("id"), t: c.req.header("X-Trace"), body });\n};\n`,
    });
    assert.deepEqual(rows(requestInputsOf(index, functionAt(index, "src/koa.ts", 1), { index: 0, style: "koa" })), [
      "body body.name src/koa.ts:2:19",
      "cookies cookies.sid src/koa.ts:2:106",
      "headers headers.x-tenant src/koa.ts:2:82",
      "params params.id src/koa.ts:2:64",
      "query query.page src/koa.ts:2:45",
    ]);
    assert.deepEqual(rows(requestInputsOf(index, functionAt(index, "src/hono.ts", 1), { index: 0, style: "hono" })), [
      "body body src/hono.ts:2:22",
      "headers headers.x-trace src/hono.ts:3:66",
      "params params.id src/hono.ts:3:44",
      "query query.q src/hono.ts:3:22",
    ]);
  });

  it("reads NestJS parameters by the decorator's source", () => {
    const index = analyzeSources({
      "src/users.controller.ts": [
        `export class UsersController {`,
        `  create(dto, q) {`,
        `    return [dto.email, dto.profile.name, q];`,
        `  }`,
        `}`,
      ].join("\n"),
    });
    const create = functionAt(index, "src/users.controller.ts", 2);
    assert.deepEqual(rows(requestInputsOf(index, create, { index: 0, style: "nest", source: "body" })), ["body body.email src/users.controller.ts:3:13", "body body.profile.name src/users.controller.ts:3:24"]);
    assert.deepEqual(rows(requestInputsOf(index, create, { index: 1, style: "nest", source: "query", key: "q" })), ["query query.q src/users.controller.ts:2:9"]);
  });
});
