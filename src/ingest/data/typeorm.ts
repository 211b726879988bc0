// TypeORM entity classes → entities, read from their decorators as recorded in the facts
// (@Entity, @Column, @PrimaryGeneratedColumn, @CreateDateColumn, @ManyToOne + @JoinColumn,
// @Index, @Unique). Names and types follow TypeORM's defaults on PostgreSQL: tables are the
// snake_cased class name, columns the property name, `string` is varchar, `Date` is timestamp.
import type { Column, SourceLocation } from "../../model/types.ts";
import type { ClassFact, DecoratorFact } from "../js/facts.ts";
import { lit, litString, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";
import { canonicalDefault, canonicalType, canonicalTypeText, sqlString, storageType } from "./column-types.ts";
import { litBoolean, litNumber, prop, returnOf, snakeCase, stringList } from "./js-values.ts";
import { canonicalOnDelete, SchemaBuilder } from "./schema-builder.ts";

const PACKAGE = "typeorm";
const COLUMN_DECORATORS = new Set(["Column", "PrimaryColumn", "PrimaryGeneratedColumn", "CreateDateColumn", "UpdateDateColumn", "DeleteDateColumn", "VersionColumn"]);
const OWNING_RELATIONS = new Set(["ManyToOne", "OneToOne"]);

/** TypeScript property type → column type when the decorator names none. */
const INFERRED_TYPES: Record<string, string> = { string: "varchar", number: "integer", boolean: "boolean", Date: "timestamp", Buffer: "bytea" };

/** TypeORM type names that differ from PostgreSQL's. */
const TYPE_NAMES: Record<string, string> = { "simple-array": "text", "simple-json": "text", "simple-enum": "text", float: "double precision", double: "double precision", dec: "numeric", string: "varchar" };

interface EntityClass {
  cls: ClassFact;
  table: string;
  /** Property → column name. */
  columns: Map<string, string>;
  primaryKey: string[];
}

type Property = ClassFact["properties"][number];

export function readTypeormEntities(index: ProjectIndex, builder: SchemaBuilder): void {
  const entities = new Map<string, EntityClass>();
  for (const cls of index.classes.values()) {
    const entity = decorator(cls.decorators, "Entity");
    if (!entity) continue;
    const options = entity.args.find((a) => a.k === "obj");
    const table = litString(entity.args[0]) ?? litString(prop(options, "name")) ?? snakeCase(cls.name);
    entities.set(cls.id, { cls, table, columns: new Map(), primaryKey: [] });
  }
  for (const entity of entities.values()) addColumns(entity, index, builder);
  for (const entity of entities.values()) addRelationsAndIndexes(entity, entities, index, builder);
}

function decorator(decorators: readonly DecoratorFact[], name: string): DecoratorFact | undefined {
  return decorators.find((d) => nameOf(d) === name);
}

/** The decorator's TypeORM name ("Column"), or undefined when it is not TypeORM's. */
function nameOf(d: DecoratorFact): string | undefined {
  return d.callee.k === "ext" && d.callee.pkg === PACKAGE ? d.callee.path[d.callee.path.length - 1] : undefined;
}

/** Properties of the class and of its (abstract) base classes, bases first. */
function propertiesOf(cls: ClassFact, index: ProjectIndex, depth = 0): Property[] {
  const base = cls.superClass && depth < 8 ? index.resolve(cls.superClass) : undefined;
  const inherited = base?.k === "class" && index.classes.get(base.id) ? propertiesOf(index.classes.get(base.id)!, index, depth + 1) : [];
  const own = new Set(cls.properties.map((p) => p.name));
  return [...inherited.filter((p) => !own.has(p.name)), ...cls.properties];
}

function addColumns(entity: EntityClass, index: ProjectIndex, builder: SchemaBuilder): void {
  builder.createTable(entity.table, entity.cls.loc, "typeorm");
  for (const property of propertiesOf(entity.cls, index)) {
    const d = property.decorators.find((x) => COLUMN_DECORATORS.has(nameOf(x) ?? ""));
    if (!d) continue;
    const column = columnOf(property, d, entity.table);
    entity.columns.set(property.name, column.name);
    builder.addColumn(entity.table, column, entity.cls.loc, "typeorm");
    const options = d.args.find((a) => a.k === "obj");
    const kind = nameOf(d)!;
    if (kind.startsWith("Primary") || litBoolean(prop(options, "primary"))) entity.primaryKey.push(column.name);
    if (litBoolean(prop(options, "unique"))) builder.addUnique(entity.table, [column.name], d.loc, "typeorm");
  }
  if (entity.primaryKey.length) builder.setPrimaryKey(entity.table, entity.primaryKey, entity.cls.loc, "typeorm");
}

function columnOf(property: Property, d: DecoratorFact, table: string): Column {
  const kind = nameOf(d)!;
  const options = d.args.find((a) => a.k === "obj");
  const name = litString(prop(options, "name")) ?? property.name;
  const nullable = litBoolean(prop(options, "nullable")) ?? kind === "DeleteDateColumn";
  const defaultValue = defaultOf(kind, d, options);
  return { name, type: typeOf(kind, d, options, property, table, name), nullable: kind.startsWith("Primary") ? false : nullable, ...(defaultValue !== undefined ? { default: defaultValue } : {}), location: d.loc };
}

function typeOf(kind: string, d: DecoratorFact, options: Sym | undefined, property: Property, table: string, column: string): string {
  if (kind === "PrimaryGeneratedColumn") {
    const strategy = litString(d.args[0]) ?? "increment";
    if (strategy === "uuid") return "uuid";
    const declared = litString(prop(options, "type"));
    if (strategy === "identity") return canonicalType(declared ?? "integer");
    return declared && /big/i.test(declared) ? "bigserial" : "serial";
  }
  if (kind === "VersionColumn") return "integer";
  const declared = litString(d.args[0]) ?? litString(prop(options, "type"));
  const name = declared ?? (kind.endsWith("DateColumn") ? "timestamp" : INFERRED_TYPES[(property.type ?? "").replace(/\s*\|\s*null$/, "")] ?? "text");
  if (name === "enum") return litString(prop(options, "enumName")) ?? `${table}_${column}_enum`;
  const base = TYPE_NAMES[name] ?? name;
  const length = litNumber(prop(options, "length")) ?? (typeof lit(prop(options, "length")) === "string" ? Number(lit(prop(options, "length"))) : undefined);
  const precision = litNumber(prop(options, "precision"));
  const scale = litNumber(prop(options, "scale"));
  const modifiers = length !== undefined ? [length] : precision !== undefined ? (scale !== undefined ? [precision, scale] : [precision]) : [];
  const type = modifiers.length ? canonicalType(base, modifiers) : canonicalTypeText(base);
  return litBoolean(prop(options, "array")) ? `${type}[]` : type;
}

function defaultOf(kind: string, d: DecoratorFact, options: Sym | undefined): string | undefined {
  if (kind === "CreateDateColumn" || kind === "UpdateDateColumn") return "now()";
  if (kind === "PrimaryGeneratedColumn" && litString(d.args[0]) === "uuid") return "uuid_generate_v4()";
  const value = prop(options, "default");
  if (!value) return undefined;
  if (value.k === "fn") return undefined; // resolved by the caller with the index: see rawDefault
  const literal = lit(value);
  if (typeof literal === "string") return sqlString(literal);
  return literal === undefined ? undefined : canonicalDefault(String(literal));
}

/** `default: () => "gen_random_uuid()"`: raw SQL returned by a function. */
function rawDefault(options: Sym | undefined, index: ProjectIndex): string | undefined {
  const text = litString(returnOf(prop(options, "default"), index));
  return text ? canonicalDefault(text) : undefined;
}

function addRelationsAndIndexes(entity: EntityClass, entities: Map<string, EntityClass>, index: ProjectIndex, builder: SchemaBuilder): void {
  const { table } = entity;
  for (const property of propertiesOf(entity.cls, index)) {
    const columnDecorator = property.decorators.find((x) => COLUMN_DECORATORS.has(nameOf(x) ?? ""));
    const raw = columnDecorator ? rawDefault(columnDecorator.args.find((a) => a.k === "obj"), index) : undefined;
    if (raw) builder.updateColumn(table, entity.columns.get(property.name)!, { default: raw });
    for (const d of property.decorators) {
      const name = nameOf(d);
      if (name && OWNING_RELATIONS.has(name)) addForeignKey(entity, property, d, entities, index, builder);
      if (name === "Index") {
        const column = entity.columns.get(property.name) ?? property.name;
        addIndex(table, [column], d, builder);
      }
    }
  }
  for (const d of entity.cls.decorators) {
    const name = nameOf(d);
    if (name !== "Index" && name !== "Unique") continue;
    const columnsArg = d.args.find((a) => a.k === "arr") ?? returnOf(d.args.find((a) => a.k === "fn"), index);
    const columns = stringList(columnsArg).map((p) => entity.columns.get(p) ?? p);
    if (!columns.length) continue;
    if (name === "Unique") builder.addUnique(table, columns, d.loc, "typeorm", litString(d.args[0]));
    else addIndex(table, columns, d, builder);
  }
}

function addIndex(table: string, columns: string[], d: DecoratorFact, builder: SchemaBuilder): void {
  const options = d.args.find((a) => a.k === "obj");
  const name = litString(d.args[0]);
  builder.addIndex(table, { ...(name ? { name } : {}), columns, unique: litBoolean(prop(options, "unique")) === true, location: d.loc }, d.loc, "typeorm");
}

/** @ManyToOne(() => User, …, { onDelete }) with an optional @JoinColumn({ name, referencedColumnName }). */
function addForeignKey(entity: EntityClass, property: Property, relation: DecoratorFact, entities: Map<string, EntityClass>, index: ProjectIndex, builder: SchemaBuilder): void {
  const joinColumn = decorator(property.decorators, "JoinColumn");
  if (nameOf(relation) === "OneToOne" && !joinColumn) return; // the other side owns the key
  const target = targetEntity(relation.args[0], entities, index);
  if (!target) return;
  const join = joinColumn?.args[0];
  const referenced = litString(prop(join, "referencedColumnName")) ?? target.primaryKey[0] ?? "id";
  const column = litString(prop(join, "name")) ?? `${property.name}${referenced[0].toUpperCase()}${referenced.slice(1)}`;
  const options = relation.args.find((a) => a.k === "obj");
  const location: SourceLocation = relation.loc;
  if (!builder.column(entity.table, column)) {
    const targetType = builder.column(target.table, referenced)?.type ?? "integer";
    builder.addColumn(entity.table, { name: column, type: storageType(targetType), nullable: litBoolean(prop(options, "nullable")) ?? true, location }, location, "typeorm");
  }
  const onDelete = canonicalOnDelete(litString(prop(options, "onDelete")));
  builder.addForeignKey(entity.table, { columns: [column], references: { entity: target.table, columns: [referenced] }, ...(onDelete ? { onDelete } : {}), location }, location, "typeorm");
}

function targetEntity(arg: Sym | undefined, entities: Map<string, EntityClass>, index: ProjectIndex): EntityClass | undefined {
  const value = arg?.k === "fn" ? returnOf(arg, index) : arg ? index.resolve(arg) : undefined;
  if (value?.k === "class") return entities.get(value.id);
  const name = litString(value);
  return name ? [...entities.values()].find((e) => e.cls.name === name || e.table === name) : undefined;
}
