// A schema under construction: tables that statements and declarations create, change and drop,
// in order. Every source (SQL migrations, Prisma, TypeORM, Drizzle, Knex, Sequelize, Mongoose)
// writes through it, so they all produce entities the same way.
import type { Column, Entity, SourceLocation } from "../../model/types.ts";
import { compareText } from "../../model/order.ts";

type ForeignKey = Entity["foreignKeys"][number];
type Index = Entity["indexes"][number];

interface Named<T> {
  name?: string;
  value: T;
}

interface TableState {
  name: string;
  /** Created by a declaration (CREATE TABLE, a model); false for a table only ever altered, whose shape is unknown. */
  declared: boolean;
  location: SourceLocation;
  source: Entity["source"];
  columns: Column[];
  primaryKey: string[];
  primaryKeyName?: string;
  foreignKeys: Named<ForeignKey>[];
  uniques: Named<string[]>[];
  checks: Named<string>[];
  indexes: Index[];
}

/** Referential actions in their SQL spelling; NO ACTION is the default and is not recorded. */
export function canonicalOnDelete(action: string | undefined): string | undefined {
  if (!action) return undefined;
  const spelled = action.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]/g, " ").trim().toUpperCase();
  return spelled === "NO ACTION" || spelled === "NOACTION" ? undefined : spelled === "SETNULL" ? "SET NULL" : spelled === "SETDEFAULT" ? "SET DEFAULT" : spelled;
}

export class SchemaBuilder {
  private readonly tables = new Map<string, TableState>();

  column(table: string, column: string): Column | undefined {
    return this.tables.get(table)?.columns.find((c) => c.name === column);
  }

  createTable(name: string, location: SourceLocation, source: Entity["source"]): void {
    this.tables.set(name, { name, declared: true, location, source, columns: [], primaryKey: [], foreignKeys: [], uniques: [], checks: [], indexes: [] });
  }

  /**
   * The table, tracked from its first mention when it was made outside what was read (an ALTER
   * of a table from a squashed history): its changes are followed, but it is no entity.
   */
  private table(name: string, location: SourceLocation, source: Entity["source"]): TableState {
    if (!this.tables.has(name)) {
      this.tables.set(name, { name, declared: false, location, source, columns: [], primaryKey: [], foreignKeys: [], uniques: [], checks: [], indexes: [] });
    }
    return this.tables.get(name)!;
  }

  dropTable(name: string): void {
    this.tables.delete(name);
    for (const t of this.tables.values()) t.foreignKeys = t.foreignKeys.filter((fk) => fk.value.references.entity !== name);
  }

  renameTable(from: string, to: string): void {
    const table = this.tables.get(from);
    if (!table) return;
    this.tables.delete(from);
    this.tables.set(to, { ...table, name: to });
    for (const t of this.tables.values()) {
      for (const fk of t.foreignKeys) if (fk.value.references.entity === from) fk.value.references.entity = to;
    }
  }

  /** Adds or replaces a column. */
  addColumn(table: string, column: Column, location: SourceLocation, source: Entity["source"]): void {
    const t = this.table(table, location, source);
    const i = t.columns.findIndex((c) => c.name === column.name);
    if (i >= 0) t.columns[i] = column;
    else t.columns.push(column);
  }

  updateColumn(table: string, column: string, change: Partial<Column>): void {
    const c = this.column(table, column);
    if (!c) return;
    Object.assign(c, change);
    for (const key of Object.keys(change) as (keyof Column)[]) if (change[key] === undefined) delete c[key];
  }

  dropColumn(table: string, column: string): void {
    const t = this.tables.get(table);
    if (!t) return;
    t.columns = t.columns.filter((c) => c.name !== column);
    const uses = (columns: string[]) => columns.includes(column);
    if (uses(t.primaryKey)) t.primaryKey = [];
    t.foreignKeys = t.foreignKeys.filter((fk) => !uses(fk.value.columns));
    t.uniques = t.uniques.filter((u) => !uses(u.value));
    t.indexes = t.indexes.filter((i) => !uses(i.columns));
  }

  renameColumn(table: string, from: string, to: string): void {
    const t = this.tables.get(table);
    if (!t) return;
    const rename = (columns: string[]) => columns.map((c) => (c === from ? to : c));
    for (const c of t.columns) if (c.name === from) c.name = to;
    t.primaryKey = rename(t.primaryKey);
    for (const fk of t.foreignKeys) fk.value.columns = rename(fk.value.columns);
    for (const u of t.uniques) u.value = rename(u.value);
    for (const i of t.indexes) i.columns = rename(i.columns);
    for (const other of this.tables.values()) {
      for (const fk of other.foreignKeys) if (fk.value.references.entity === table) fk.value.references.columns = rename(fk.value.references.columns);
    }
  }

  setPrimaryKey(table: string, columns: string[], location: SourceLocation, source: Entity["source"], name?: string): void {
    const t = this.table(table, location, source);
    t.primaryKey = [...columns];
    t.primaryKeyName = name;
    for (const c of t.columns) if (columns.includes(c.name)) c.nullable = false;
  }

  addForeignKey(table: string, fk: ForeignKey, location: SourceLocation, source: Entity["source"], name?: string): void {
    const t = this.table(table, location, source);
    const key = JSON.stringify([fk.columns, fk.references]);
    t.foreignKeys = t.foreignKeys.filter((f) => JSON.stringify([f.value.columns, f.value.references]) !== key);
    t.foreignKeys.push({ name, value: { ...fk, ...(fk.onDelete ? {} : { onDelete: undefined }) } });
  }

  addUnique(table: string, columns: string[], location: SourceLocation, source: Entity["source"], name?: string): void {
    const t = this.table(table, location, source);
    if (t.uniques.some((u) => sameColumns(u.value, columns))) return;
    t.uniques.push({ name, value: [...columns] });
  }

  addCheck(table: string, expression: string, location: SourceLocation, source: Entity["source"], name?: string): void {
    this.table(table, location, source).checks.push({ name, value: expression });
  }

  addIndex(table: string, index: Index, location: SourceLocation, source: Entity["source"]): void {
    const t = this.table(table, location, source);
    if (index.name) t.indexes = t.indexes.filter((i) => i.name !== index.name);
    t.indexes.push(index);
  }

  dropIndex(name: string): void {
    for (const t of this.tables.values()) t.indexes = t.indexes.filter((i) => i.name !== name);
  }

  renameIndex(from: string, to: string): void {
    for (const t of this.tables.values()) for (const i of t.indexes) if (i.name === from) i.name = to;
  }

  /** Drops a named constraint of any kind; returns whether one was found. */
  dropConstraint(table: string, name: string): boolean {
    const t = this.tables.get(table);
    if (!t) return false;
    const before = t.foreignKeys.length + t.uniques.length + t.checks.length + t.primaryKey.length;
    t.foreignKeys = t.foreignKeys.filter((fk) => fk.name !== name && defaultName(table, fk.value.columns, "fkey") !== name);
    t.uniques = t.uniques.filter((u) => u.name !== name && defaultName(table, u.value, "key") !== name);
    t.checks = t.checks.filter((c) => c.name !== name);
    if (t.primaryKeyName === name || `${table}_pkey` === name) t.primaryKey = [];
    return before !== t.foreignKeys.length + t.uniques.length + t.checks.length + t.primaryKey.length;
  }

  /** The finished entities (declared tables only), sorted by name. */
  entities(): Entity[] {
    return [...this.tables.values()]
      .filter((t) => t.declared)
      .map((t): Entity => ({
        name: t.name,
        columns: t.columns.map((c) => ({ ...c })),
        primaryKey: [...t.primaryKey],
        foreignKeys: t.foreignKeys.map((fk) => withoutUndefined({ ...fk.value, columns: [...fk.value.columns], references: { ...fk.value.references } })),
        uniques: t.uniques.map((u) => [...u.value]),
        checks: t.checks.map((c) => c.value),
        indexes: t.indexes.map((i) => withoutUndefined({ ...i, columns: [...i.columns] })),
        location: t.location,
        source: t.source,
      }))
      .sort((a, b) => compareText(a.name, b.name));
  }
}

/** PostgreSQL's generated constraint name: users_email_key, orders_user_id_fkey. */
function defaultName(table: string, columns: string[], suffix: string): string {
  return `${table}_${columns.join("_")}_${suffix}`;
}

export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
