// ORM declarations read from the facts, with each ORM's own defaults on PostgreSQL, and Prisma
// schemas with Prisma Migrate's mapping. Nothing of the analysed project is executed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../../src/ingest/index.ts";
import { loadPrismaAst, readPrismaSchemas } from "../../../src/ingest/data/prisma.ts";
import type { Entity } from "../../../src/model/types.ts";

/** "name:type" with "?" when nullable and "=default". */
function columns(entity: Entity | undefined): string[] {
  return (entity?.columns ?? []).map((c) => `${c.name}:${c.type}${c.nullable ? "?" : ""}${c.default !== undefined ? `=${c.default}` : ""}`);
}

async function entities(fixture: string): Promise<Map<string, Entity>> {
  const { model } = await ingest(`test/fixtures/db-models/${fixture}`);
  return new Map(model.entities.map((e) => [e.name, e]));
}

describe("TypeORM", () => {
  it("applies TypeORM's names and types: snake_case tables, property columns, string → varchar, Date → timestamp", async () => {
    const found = await entities("typeorm");
    const audit = found.get("audit_entry");
    assert.deepEqual(columns(audit), [
      "id:uuid=uuid_generate_v4()",
      "createdAt:timestamp=now()",
      "action:varchar",
      "amount:integer?",
      "happenedAt:timestamp",
      "total:double precision",
      "kind:audit_entry_kind_enum='a'",
      "accountCode:varchar(20)?",
    ]);
    assert.deepEqual(audit?.primaryKey, ["id"], "the key comes from the abstract base class");
    assert.deepEqual(audit?.foreignKeys.map((f) => [f.columns, f.references, f.onDelete]), [[["accountCode"], { entity: "accounts", columns: ["code"] }, "SET NULL"]]);
    assert.deepEqual(audit?.indexes.map((i) => i.columns), [["action", "happenedAt"]]);
  });
});

describe("Drizzle", () => {
  it("reads every column of a table wider than the facts keep for one value", async () => {
    const readings = (await entities("drizzle-wide")).get("readings");
    assert.equal(readings?.columns.length, 41);
    assert.deepEqual(columns(readings).slice(18, 22), ["metric_18:integer=18", "metric_19:integer=19", "metric_20:integer=20", "metric_21:integer=21"]);
    assert.equal(readings?.columns.find((c) => c.name === "metric_40")?.location?.line, 45);
  });
});

describe("Sequelize", () => {
  it("reads define() and init() with Sequelize's defaults and belongsTo foreign keys", async () => {
    const found = await entities("sequelize");
    assert.deepEqual(columns(found.get("users")), [
      "email:varchar(255)", "balance:double precision=0", "role:enum_users_role?", "id:serial", "created_at:timestamptz", "updated_at:timestamptz",
    ]);
    assert.deepEqual(found.get("users")?.uniques, [["email"]]);
    assert.deepEqual(columns(found.get("invoices")), ["id:bigserial", "total:numeric(12,2)", "issued_at:timestamptz?=now()", "user_id:integer?"]);
    assert.deepEqual(found.get("invoices")?.foreignKeys.map((f) => [f.columns, f.references.entity, f.onDelete]), [[["user_id"], "users", "CASCADE"]]);
    assert.deepEqual(found.get("invoices")?.indexes.map((i) => [i.name, i.columns]), [["invoices_issued_at_idx", ["issued_at"]]]);
  });
});

describe("Mongoose", () => {
  it("reads schemas as collections with refs, unique fields and schema.index()", async () => {
    const found = await entities("mongoose");
    assert.deepEqual([...found.keys()], ["orders", "users"]);
    assert.deepEqual(columns(found.get("users")), ["_id:objectId", "email:string", "name:string?", "balance:number?=0", "tags:string[]?", "createdAt:date?", "updatedAt:date?"]);
    const orders = found.get("orders");
    assert.deepEqual(orders?.foreignKeys.map((f) => [f.columns, f.references.entity]), [[["user"], "users"]]);
    assert.deepEqual(orders?.indexes.map((i) => i.columns), [["user"], ["user", "placedAt"]]);
    assert.equal(orders?.source, "mongoose");
  });
});

describe("Prisma", () => {
  const schema = `
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Role {
  MEMBER
  ADMIN
}

model Tag {
  name  String
  scope String
  label String?  @unique
  role  Role     @default(MEMBER)
  price Decimal
  seen  DateTime @default(now())
  ratio Float
  owner User?    @relation(fields: [ownerId], references: [uid])
  ownerId String? @db.Uuid

  @@id([name, scope])
  @@unique([scope, label])
}

model User {
  uid  String @id @default(uuid()) @db.Uuid
  tags Tag[]
}
`;

  it("maps Prisma's defaults: DateTime → timestamp(3), Decimal → numeric(65,30), optional relations SET NULL", async () => {
    const { entities: found, warnings } = readPrismaSchemas([{ path: "prisma/schema.prisma", text: schema }], await loadPrismaAst());
    assert.deepEqual(warnings, []);
    const tag = found.find((e) => e.name === "Tag");
    assert.deepEqual(columns(tag), ["name:text", "scope:text", "label:text?", "role:Role='MEMBER'", "price:numeric(65,30)", "seen:timestamp(3)=now()", "ratio:double precision", "ownerId:uuid?"]);
    assert.deepEqual(tag?.primaryKey, ["name", "scope"]);
    assert.deepEqual(tag?.uniques, [["label"], ["scope", "label"]]);
    assert.deepEqual(tag?.foreignKeys.map((f) => [f.columns, f.references, f.onDelete]), [[["ownerId"], { entity: "User", columns: ["uid"] }, "SET NULL"]]);
    assert.deepEqual(columns(found.find((e) => e.name === "User")), ["uid:uuid"], "uuid() runs in the client: no database default");
    assert.deepEqual(tag?.location, { file: "prisma/schema.prisma", line: 12, column: 1 });
  });

  it("reports a schema it cannot parse with its line, and reads no models from it", async () => {
    const { entities: found, warnings } = readPrismaSchemas([{ path: "prisma/schema.prisma", text: "model A {\n  id Int @id\n  broken broken broken(\n}\n" }], await loadPrismaAst());
    assert.deepEqual(found, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^prisma\/schema\.prisma:3:\d+: the Prisma schema could not be parsed/);
  });
});
