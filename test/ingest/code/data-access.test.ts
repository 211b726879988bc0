// Raw SQL call sites become DataAccess entries: client, operation, table, LIMIT, the SQL text and
// whether a variable part of it comes from the request.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources, functionAt } from "../analyze-helper.ts";
import { buildDataAccesses, sqlShape } from "../../../src/ingest/code/data-access.ts";
import { requestParamKey, type RequestParam } from "../../../src/ingest/code/request-reads.ts";
import type { ProjectIndex } from "../../../src/ingest/link/project-index.ts";

const EXPRESS: RequestParam = { index: 0, style: "express" };

/** Every function whose first parameter is named `req` is an Express handler. */
function handlers(index: ProjectIndex): Map<string, RequestParam> {
  return new Map([...index.functions.values()].filter((f) => f.params[0] === "req").map((f) => [requestParamKey(f.id, 0), EXPRESS]));
}

function accessesOf(files: Record<string, string>) {
  const index = analyzeSources(files);
  return buildDataAccesses(index, handlers(index));
}

const DB = `import { Pool } from "pg";\nexport const pool = new Pool();\n`;

describe("data access: the cross-file case", () => {
  it("finds the query in the repository, tainted by the route's query.q through the call", () => {
    const index = analyzeSources({
      "src/db.ts": DB,
      "src/users.repo.ts": [
        `import { pool } from "./db.js";`,
        `export async function findUsers(term: string) {`,
        `  const { rows } = await pool.query("SELECT id, name FROM users WHERE name LIKE '%" + term + "%' LIMIT 50");`,
        `  return rows;`,
        `}`,
      ].join("\n"),
      "src/users.routes.ts": [
        `import { Router } from "express";`,
        `import { findUsers } from "./users.repo.js";`,
        `export const router = Router();`,
        `router.get("/users", async (req, res) => {`,
        `  const users = await findUsers(req.query.q as string);`,
        `  res.json(users);`,
        `});`,
      ].join("\n"),
    });
    const handler = functionAt(index, "src/users.routes.ts", 4);
    assert.deepEqual(buildDataAccesses(index, new Map([[requestParamKey(handler, 0), EXPRESS]])), [
      {
        id: "src/users.repo.ts:3:26",
        location: { file: "src/users.repo.ts", line: 3, column: 26 },
        functionId: "src/users.repo.ts:2:8",
        client: "pg",
        operation: "select",
        entity: "users",
        filterColumns: ["name"],
        sortColumns: [],
        returnedColumns: ["id", "name"],
        limit: 50,
        rawSql: "SELECT id, name FROM users WHERE name LIKE '%${…}%' LIMIT 50",
        interpolation: {
          kind: "request",
          flows: [
            {
              source: { kind: "query", path: "query.q", location: { file: "src/users.routes.ts", line: 5, column: 33 } },
              steps: [
                { file: "src/users.routes.ts", line: 5, column: 23 },
                { file: "src/users.repo.ts", line: 3, column: 26 },
              ],
            },
          ],
        },
        parameterised: false,
        inLoop: false,
      },
    ]);
  });
});

describe("data access: interpolation", () => {
  it("does not call bound parameters interpolation", () => {
    const [access] = accessesOf({
      "src/db.ts": DB,
      "src/routes.ts": `import { pool } from "./db.js";\nexport async function show(req, res) {\n  const { rows } = await pool.query("SELECT * FROM users WHERE id = $1", [req.query.id]);\n  res.json(rows);\n}\n`,
    });
    assert.deepEqual(
      { rawSql: access.rawSql, interpolation: access.interpolation, parameterised: access.parameterised, limit: access.limit },
      { rawSql: "SELECT * FROM users WHERE id = $1", interpolation: { kind: "none", flows: [] }, parameterised: true, limit: "none" },
    );
  });

  it("follows a template literal to the body field it interpolates", () => {
    const [access] = accessesOf({
      "src/db.ts": DB,
      "src/routes.ts": "import { pool } from './db.js';\nexport async function lookup(req, res) {\n  const email = req.body.email;\n  await pool.query(`SELECT id FROM users WHERE email = '${email}'`);\n}\n",
    });
    assert.equal(access.interpolation.kind, "request");
    assert.deepEqual(access.interpolation.flows, [
      { source: { kind: "body", path: "body.email", location: { file: "src/routes.ts", line: 3, column: 17 } }, steps: [{ file: "src/routes.ts", line: 4, column: 9 }] },
    ]);
  });

  it("calls literals, configuration and alternatives of literals constant", () => {
    const accesses = accessesOf({
      "src/db.ts": DB,
      "src/report.ts": [
        `import { pool } from "./db.js";`,
        `export async function report(req, res) {`,
        "  const dir = req.query.desc ? 'DESC' : 'ASC';",
        "  await pool.query(`SELECT * FROM orders ORDER BY created_at ${dir}`);",
        "  await pool.query(`SELECT * FROM ${process.env.AUDIT_TABLE}`);",
        "  await pool.query(`SELECT * FROM orders LIMIT ${Number(req.query.limit)}`);",
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(
      accesses.map((a) => [a.location.line, a.interpolation.kind, a.rawSql]),
      [
        [4, "constant", "SELECT * FROM orders ORDER BY created_at ${…}"],
        [5, "constant", "SELECT * FROM ${…}"],
        [6, "constant", "SELECT * FROM orders LIMIT ${…}"],
      ],
    );
  });

  it("says unknown when a part comes from a caller it cannot see", () => {
    const [access] = accessesOf({
      "src/db.ts": DB,
      "src/lib.ts": "import { pool } from './db.js';\nexport function countRows(table) {\n  return pool.query(`SELECT count(*) FROM ${table}`);\n}\n",
    });
    assert.deepEqual([access.interpolation.kind, access.entity, access.operation], ["unknown", undefined, "select"]);
  });

  it("reads a fully literal query through constants imported from another file as not interpolated", () => {
    const [access] = accessesOf({
      "src/db.ts": DB,
      "src/sql.ts": `export const BY_ID = "SELECT * FROM articles WHERE id = $1";\n`,
      "src/get.ts": `import { pool } from "./db.js";\nimport { BY_ID } from "./sql.js";\nexport const get = (id) => pool.query(BY_ID, [id]);\n`,
    });
    assert.deepEqual([access.rawSql, access.interpolation.kind, access.entity], ["SELECT * FROM articles WHERE id = $1", "none", "articles"]);
  });
});

describe("data access: clients", () => {
  it("recognises mysql2, sequelize, knex, prisma, typeorm, better-sqlite3 and postgres.js", () => {
    const accesses = accessesOf({
      "src/clients.ts": [
        `import mysql from "mysql2/promise";`,
        `import { Sequelize } from "sequelize";`,
        `import knex from "knex";`,
        `import { PrismaClient } from "@prisma/client";`,
        `import { DataSource } from "typeorm";`,
        `import Database from "better-sqlite3";`,
        `import postgres from "postgres";`,
        `export const my = mysql.createPool({ uri: process.env.DB });`,
        `export const sequelize = new Sequelize(process.env.DB);`,
        `export const kx = knex({ client: "pg" });`,
        `export const prisma = new PrismaClient();`,
        `export const dataSource = new DataSource({ type: "postgres" });`,
        `export const lite = new Database("app.db");`,
        `export const sql = postgres(process.env.DB);`,
      ].join("\n"),
      "src/routes.ts": [
        `import { my, sequelize, kx, prisma, dataSource, lite, sql } from "./clients.js";`,
        `export async function search(req, res) {`,
        "  await my.execute('SELECT * FROM products WHERE sku = ?', [req.query.sku]);",
        "  await sequelize.query('SELECT * FROM carts WHERE id = :id', { replacements: { id: req.params.id } });",
        "  await sequelize.query(`DELETE FROM carts WHERE owner = '${req.body.owner}'`, { type: 'DELETE' });",
        "  await kx.raw('UPDATE stock SET n = n - 1 WHERE sku = ?', [req.body.sku]);",
        "  await prisma.$queryRawUnsafe(`SELECT * FROM \"User\" WHERE name = '${req.query.name}'`);",
        "  await prisma.$queryRaw`SELECT * FROM \"User\" WHERE id = ${req.params.id}`;",
        "  await dataSource.query('INSERT INTO audit (what) VALUES ($1)', [req.path]);",
        "  lite.prepare('SELECT * FROM notes WHERE id = ?').get(req.params.id);",
        "  await sql`SELECT * FROM tags WHERE name = ${req.query.tag}`;",
        "  await sql.unsafe(`SELECT * FROM tags ORDER BY ${req.query.sort}`);",
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(
      accesses.map((a) => [a.location.line, a.client, a.operation, a.entity, a.parameterised, a.interpolation.kind, a.interpolation.flows.map((f) => f.source.path).join()]),
      [
        [3, "mysql2", "select", "products", true, "none", ""],
        [4, "sequelize", "select", "carts", true, "none", ""],
        [5, "sequelize", "delete", "carts", false, "request", "body.owner"],
        [6, "knex", "update", "stock", true, "none", ""],
        [7, "prisma", "select", "User", false, "request", "query.name"],
        [8, "prisma", "select", "User", true, "none", ""],
        [9, "typeorm", "insert", "audit", true, "none", ""],
        [10, "sqlite", "select", "notes", true, "none", ""],
        [11, "postgres", "select", "tags", true, "none", ""],
        [12, "postgres", "select", "tags", false, "request", "query.sort"],
      ],
    );
  });

  it("knows a pool handed to a controller factory, and a client taken from it", () => {
    const accesses = accessesOf({
      "src/db.ts": DB,
      "src/controller.ts": [
        `export function usersController(pool) {`,
        `  return {`,
        `    async remove(req, res) {`,
        `      const client = await pool.connect();`,
        `      await client.query("BEGIN");`,
        `      await client.query("DELETE FROM sessions WHERE user_id = $1", [req.params.id]);`,
        `      await client.query("COMMIT");`,
        `    },`,
        `  };`,
        `}`,
      ].join("\n"),
      "src/app.ts": `import { pool } from "./db.js";\nimport { usersController } from "./controller.js";\nexport const users = usersController(pool);\n`,
    });
    assert.deepEqual(
      accesses.map((a) => [a.id, a.client, a.operation, a.entity]),
      [["src/controller.ts:6:13", "pg", "delete", "sessions"]],
    );
  });

  it("keeps SQL run on a receiver it cannot resolve, as client unknown", () => {
    const [access] = accessesOf({
      "src/repo.ts": "export class Repo {\n  constructor(private readonly db: any) {}\n  byId(id: number) {\n    return this.db.query('SELECT * FROM invoices WHERE id = $1', [id]);\n  }\n}\n",
    });
    assert.deepEqual([access.client, access.entity, access.functionId], ["unknown", "invoices", "src/repo.ts:3:7"]);
  });

  it("moves a query wrapper's data access to each place the wrapper is called", () => {
    const accesses = accessesOf({
      "src/db.ts": `import pg from "pg";\nconst pool = new pg.Pool();\nexport const query = (text, params) => pool.query(text, params);\n`,
      "src/routes.ts": [
        `import { query } from "./db.js";`,
        `export async function byId(req, res) {`,
        "  res.json(await query('SELECT * FROM posts WHERE id = $1', [req.params.id]));",
        `}`,
        `export async function search(req, res) {`,
        "  res.json(await query(`SELECT * FROM posts WHERE title LIKE '%${req.query.q}%'`));",
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(
      accesses.map((a) => [a.id, a.functionId, a.client, a.parameterised, a.interpolation.kind]),
      [
        ["src/routes.ts:3:18", "src/routes.ts:2:8", "pg", true, "none"],
        ["src/routes.ts:6:18", "src/routes.ts:5:8", "pg", false, "request"],
      ],
    );
  });

  it("marks a query inside a loop or an iteration callback", () => {
    const accesses = accessesOf({
      "src/db.ts": DB,
      "src/sync.ts": [
        `import { pool } from "./db.js";`,
        `export async function sync(ids) {`,
        `  for (const id of ids) await pool.query("SELECT * FROM items WHERE id = $1", [id]);`,
        `  await Promise.all(ids.map((id) => pool.query("DELETE FROM items WHERE id = $1", [id])));`,
        `  await pool.query("SELECT 1 FROM items LIMIT 1");`,
        `}`,
      ].join("\n"),
    });
    assert.deepEqual(accesses.map((a) => [a.location.line, a.inLoop]), [[3, true], [4, true], [5, false]]);
  });

  it("ignores routers, maps, regexes and calls on things that are not databases", () => {
    const accesses = accessesOf({
      "src/app.ts": [
        `import express from "express";`,
        `const app = express();`,
        `const cache = new Map();`,
        `app.get("/health", (req, res) => res.send(cache.get(req.query.k)));`,
        `export const words = (text) => /\\w+/.exec(text);`,
        `export const search = (params) => params.query("term");`,
      ].join("\n"),
    });
    assert.deepEqual(accesses, []);
  });
});

describe("sqlShape", () => {
  const shape = (sql: string) => sqlShape(sql);

  it("reads the main statement after CTEs and subqueries", () => {
    assert.deepEqual(shape("WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT id FROM recent LIMIT 10"), { operation: "select", entity: "recent", limit: 10 });
    assert.deepEqual(shape("SELECT (SELECT count(*) FROM likes l WHERE l.post_id = p.id) AS n FROM posts p ORDER BY n"), { operation: "select", entity: "posts", limit: "none" });
    assert.deepEqual(shape(`SELECT * FROM "public"."users" WHERE id = $1 LIMIT $2`), { operation: "select", entity: "users", limit: "param" });
    assert.deepEqual(shape("SELECT * FROM events FETCH FIRST 5 ROWS ONLY"), { operation: "select", entity: "events", limit: 5 });
  });

  it("tells inserts, upserts, updates and deletes apart", () => {
    assert.deepEqual(shape("INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING"), { operation: "upsert", entity: "tags" });
    assert.deepEqual(shape("insert into `logs` (msg) values (?)"), { operation: "insert", entity: "logs" });
    assert.deepEqual(shape("UPDATE accounts SET balance = balance - $1 WHERE id = $2"), { operation: "update", entity: "accounts" });
    assert.deepEqual(shape("-- purge\nDELETE FROM sessions WHERE expires_at < now()"), { operation: "delete", entity: "sessions" });
  });

  it("calls other statements raw, and text that is not SQL unknown", () => {
    assert.deepEqual(shape("CREATE INDEX CONCURRENTLY idx ON users (email)"), { operation: "raw" });
    assert.deepEqual(shape("CREATE OR REPLACE FUNCTION purge() RETURNS void AS $$ DELETE FROM t $$ LANGUAGE sql"), { operation: "raw" });
    assert.deepEqual(shape("REPLACE INTO counters (k, n) VALUES (?, ?)"), { operation: "upsert", entity: "counters" });
    assert.deepEqual(shape("(SELECT id FROM a) UNION (SELECT id FROM b)"), { operation: "select" });
    assert.deepEqual(shape("${…} WHERE id = $1"), { operation: "unknown" });
    assert.deepEqual(shape("SELECT * FROM ${…} WHERE id = 'FROM x'"), { operation: "select", limit: "none" });
  });
});
