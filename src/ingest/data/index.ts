// The database part of the model: entities from every schema source the project has, and its
// SQL migration history. All of it is read statically — schema files are never executed.
// When two sources declare the same table (a Prisma schema and the SQL migrations it generated),
// the declarative source wins: that is the file a developer edits to change the table.
import { readFileSync } from "node:fs";
import type { Entity, Migration, SourceLocation } from "../../model/types.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { compareText } from "../../model/order.ts";
import { litString, type Sym } from "../js/sym.ts";
import { readDrizzleTables } from "./drizzle.ts";
import { readKnexMigrations } from "./knex.ts";
import { migrationHistories } from "./migrations.ts";
import { readMongooseModels } from "./mongoose.ts";
import { loadPrismaAst, readPrismaSchemas, type PrismaAst } from "./prisma.ts";
import { scanSchemaFiles, type SchemaFiles } from "./scan.ts";
import { SchemaBuilder } from "./schema-builder.ts";
import { readSequelizeModels } from "./sequelize.ts";
import { readSqlFiles } from "./sql.ts";
import { readTypeormEntities } from "./typeorm.ts";

export interface DataModel {
  entities: Entity[];
  migrations: Migration[];
  warnings: string[];
}

/** Which source describes a table when several do: the one a developer edits first. */
const SOURCE_PRIORITY: Entity["source"][] = ["prisma", "typeorm", "drizzle", "sequelize", "mongoose", "knex", "sql"];

const CODE_READERS: ((index: ProjectIndex, builder: SchemaBuilder) => void)[] = [
  readTypeormEntities, readDrizzleTables, readSequelizeModels, readMongooseModels, readKnexMigrations,
];

/** The schema files found beside the code, and the parsers they need, loaded ahead of the (synchronous) link. */
export interface SchemaSources {
  files: SchemaFiles;
  prismaAst?: PrismaAst;
}

export async function prepareSchemaSources(root: string): Promise<SchemaSources> {
  const files = scanSchemaFiles(root);
  return files.prisma.length ? { files, prismaAst: await loadPrismaAst() } : { files };
}

export function ingestData(index: ProjectIndex, { files, prismaAst }: SchemaSources): DataModel {
  const warnings = [...files.warnings];
  const entities: Entity[] = [];
  const migrations: Migration[] = [];
  for (const history of migrationHistories(files.sql)) {
    const sql = readSqlFiles(history);
    warnings.push(...sql.warnings);
    migrations.push(...sql.migrations);
    entities.push(...sql.builder.entities());
  }
  if (files.prisma.length && prismaAst) {
    const prisma = readPrismaSchemas(files.prisma.map((f) => ({ path: f.path, text: readFileSync(f.absPath, "utf8") })), prismaAst);
    warnings.push(...prisma.warnings);
    entities.push(...prisma.entities);
  }
  for (const read of CODE_READERS) {
    const builder = new SchemaBuilder();
    read(index, builder);
    entities.push(...builder.entities());
  }
  markCodeReferences(migrations, index);
  return { entities: preferred(entities), migrations, warnings };
}

/** One entity per name, from the preferred source; sorted by name. */
function preferred(entities: Entity[]): Entity[] {
  const byName = new Map<string, Entity>();
  const rank = (e: Entity) => SOURCE_PRIORITY.indexOf(e.source);
  for (const entity of entities) {
    const seen = byName.get(entity.name);
    if (!seen || rank(entity) < rank(seen)) byName.set(entity.name, entity);
  }
  return [...byName.values()].sort((a, b) => compareText(a.name, b.name));
}

const SQL_TEXT = /\b(select|insert|update|delete|where|returning)\b/i;

/** Records, on each dropped or renamed column, the SQL strings in the code that still name it. */
function markCodeReferences(migrations: Migration[], index: ProjectIndex): void {
  const actions = migrations.flatMap((m) => m.statements.flatMap((s) => s.actions)).filter((a) => (a.kind === "drop-column" || a.kind === "rename-column") && a.table && a.column);
  if (!actions.length) return;
  const texts: { text: string; loc: SourceLocation }[] = [];
  for (const call of index.allCalls()) {
    for (const arg of call.args) for (const text of stringsIn(arg)) if (SQL_TEXT.test(text)) texts.push({ text, loc: call.loc });
  }
  for (const action of actions) {
    const names = (text: string) => word(action.table!).test(text) && word(action.column!).test(text);
    const found = texts.filter((t) => names(t.text)).map((t) => t.loc);
    if (found.length) action.referencedBy = found;
  }
}

function word(name: string): RegExp {
  return new RegExp(`(^|[^\\w$])"?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?([^\\w$]|$)`, "i");
}

/** String literals in a value (and the literal parts of templates), a few levels deep. */
function stringsIn(sym: Sym, depth = 0): string[] {
  if (depth > 3) return [];
  const text = litString(sym);
  if (text !== undefined) return [text];
  if (sym.k === "concat") return [sym.parts.map((p) => litString(p) ?? " ").join("")];
  if (sym.k === "call") return sym.args.flatMap((a) => stringsIn(a, depth + 1));
  return [];
}
