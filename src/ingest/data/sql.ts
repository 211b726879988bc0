// SQL migrations → migration statements (what each one changes) and the schema they leave behind.
// Files are applied in order to one SchemaBuilder; each statement is described before it is
// applied, so an ALTER COLUMN TYPE knows the type it replaces.
import type { Column, Migration, MigrationAction, MigrationStatement, SourceLocation } from "../../model/types.ts";
import { canonicalDefault, canonicalType } from "./column-types.ts";
import { canonicalOnDelete, SchemaBuilder } from "./schema-builder.ts";
import { ByteLines, expressionText, lastName, nameList, parseSqlFile, typeParts, type PgNode } from "./sql-parse.ts";

export interface SqlFile {
  path: string; // relative to the root
  text: string;
  tool: string;
}

export interface SqlSchema {
  migrations: Migration[];
  builder: SchemaBuilder;
  warnings: string[];
}

const REFERENTIAL_ACTIONS: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** Applies the files in the order given and returns every statement with its actions. */
export function readSqlFiles(files: readonly SqlFile[]): SqlSchema {
  const builder = new SchemaBuilder();
  const warnings: string[] = [];
  const migrations: Migration[] = [];
  for (const file of files) {
    const parsed = parseSqlFile(file.text);
    const lines = ByteLines.of(file.text);
    for (const error of parsed.errors) {
      const at = lines.at(error.offset);
      warnings.push(`${file.path}:${at.line}:${at.column}: ${error.message}; bka reads PostgreSQL migrations and skipped this statement`);
    }
    const reader = new FileReader(file.path, lines, builder);
    const statements = parsed.statements.map((s) => reader.statement(s.node, s.start, s.end));
    migrations.push({ file: file.path, tool: file.tool, statements });
  }
  return { migrations, builder, warnings };
}

/** Reads one file's statements against the schema built by the files before it. */
class FileReader {
  /** Tables created in this file: changes to them cannot lock a table that holds data. */
  private readonly createdHere = new Set<string>();

  constructor(private readonly file: string, private readonly lines: ByteLines, private readonly builder: SchemaBuilder) {}

  statement(node: PgNode, start: number, end: number): MigrationStatement {
    const location = this.loc(start);
    const actions = this.apply(node, location);
    return { location, sql: this.lines.slice(start, end), actions };
  }

  private loc(offset: number): SourceLocation {
    return { file: this.file, ...this.lines.at(offset) };
  }

  private existing(table: string | undefined): boolean {
    return table !== undefined && !this.createdHere.has(table);
  }

  private action(kind: MigrationAction["kind"], table: string | undefined, extra: Partial<MigrationAction> = {}): MigrationAction {
    return { kind, ...(table !== undefined ? { table } : {}), existingTable: this.existing(table), ...extra };
  }

  private apply(node: PgNode, location: SourceLocation): MigrationAction[] {
    const [type] = Object.keys(node ?? {});
    const body = node?.[type];
    switch (type) {
      case "CreateStmt":
        return [this.createTable(body, location)];
      case "IndexStmt":
        return [this.createIndex(body, location)];
      case "AlterTableStmt":
        return body.objtype === "OBJECT_TABLE" ? (body.cmds ?? []).map((cmd: PgNode) => this.alterTable(body.relation?.relname, cmd.AlterTableCmd, location)) : [this.action("other", undefined)];
      case "RenameStmt":
        return [this.rename(body)];
      case "DropStmt":
        return this.drop(body);
      case "UpdateStmt":
      case "DeleteStmt":
      case "InsertStmt":
        return [this.action("data-change", body.relation?.relname, { statement: type.replace("Stmt", "").toLowerCase() })];
      case "VariableSetStmt":
        return [body.name === "lock_timeout" ? this.action("set-lock-timeout", undefined) : this.action("other", undefined)];
      case "TransactionStmt":
        return [this.action("transaction", undefined)];
      default:
        return [this.action("other", undefined)];
    }
  }

  private createTable(body: PgNode, location: SourceLocation): MigrationAction {
    const table: string = body.relation?.relname;
    this.builder.createTable(table, location, "sql");
    this.createdHere.add(table);
    for (const element of body.tableElts ?? []) {
      if (element.ColumnDef) this.addColumn(table, element.ColumnDef, location);
      else if (element.Constraint) this.addConstraint(table, element.Constraint, [], location);
    }
    return this.action("create-table", table);
  }

  /** Adds a column with its inline constraints; returns the column as declared. */
  private addColumn(table: string, def: PgNode, statement: SourceLocation): Column {
    const location = typeof def.location === "number" ? this.loc(def.location) : statement;
    const { name, modifiers, arrayDimensions } = typeParts(def.typeName);
    const column: Column = { name: def.colname, type: canonicalType(name, modifiers, arrayDimensions), nullable: true, location };
    this.builder.addColumn(table, column, statement, "sql");
    for (const c of def.constraints ?? []) {
      const constraint = c.Constraint;
      if (constraint.contype === "CONSTR_NOTNULL") column.nullable = false;
      else if (constraint.contype === "CONSTR_DEFAULT") column.default = canonicalDefault(expressionText(constraint.raw_expr));
      else if (constraint.contype === "CONSTR_IDENTITY") column.default = "identity";
      else this.addConstraint(table, constraint, [def.colname], location);
    }
    return column;
  }

  private addConstraint(table: string, c: PgNode, columns: string[], location: SourceLocation): MigrationAction["constraint"] {
    const keys = nameList(c.keys).length ? nameList(c.keys) : columns;
    switch (c.contype) {
      case "CONSTR_PRIMARY":
        this.builder.setPrimaryKey(table, keys, location, "sql", c.conname);
        return "primary-key";
      case "CONSTR_UNIQUE":
        if (keys.length) this.builder.addUnique(table, keys, location, "sql", c.conname);
        return "unique";
      case "CONSTR_CHECK":
        this.builder.addCheck(table, expressionText(c.raw_expr), location, "sql", c.conname);
        return "check";
      case "CONSTR_FOREIGN": {
        const fkColumns = nameList(c.fk_attrs).length ? nameList(c.fk_attrs) : columns;
        const target: string = c.pktable?.relname;
        const targetColumns = nameList(c.pk_attrs);
        const references = { entity: target, columns: targetColumns.length ? targetColumns : this.primaryKeyOf(target) };
        const onDelete = canonicalOnDelete(REFERENTIAL_ACTIONS[c.fk_del_action]);
        this.builder.addForeignKey(table, { columns: fkColumns, references, ...(onDelete ? { onDelete } : {}), location }, location, "sql", c.conname);
        return "foreign-key";
      }
      case "CONSTR_EXCLUSION":
        return "exclusion";
      default:
        return undefined;
    }
  }

  private primaryKeyOf(table: string): string[] {
    const entity = this.builder.entities().find((e) => e.name === table);
    return entity?.primaryKey.length ? entity.primaryKey : ["id"];
  }

  private createIndex(body: PgNode, location: SourceLocation): MigrationAction {
    const table: string = body.relation?.relname;
    const columns = (body.indexParams ?? []).map((p: PgNode) => p.IndexElem?.name ?? `(${expressionText(p.IndexElem?.expr)})`);
    const where = body.whereClause ? expressionText(body.whereClause) : undefined;
    this.builder.addIndex(table, { ...(body.idxname ? { name: body.idxname } : {}), columns, unique: Boolean(body.unique), ...(where ? { where } : {}), location }, location, "sql");
    return this.action("create-index", table, { columns, unique: Boolean(body.unique), concurrently: Boolean(body.concurrent) });
  }

  private alterTable(table: string, cmd: PgNode, location: SourceLocation): MigrationAction {
    const column: string | undefined = cmd.name;
    switch (cmd.subtype) {
      case "AT_AddColumn": {
        const def = cmd.def.ColumnDef;
        const inline = (def.constraints ?? []).map((c: PgNode) => c.Constraint.contype);
        const added = this.addColumn(table, def, location);
        const constraint = inline.includes("CONSTR_FOREIGN") ? "foreign-key" as const : inline.includes("CONSTR_CHECK") ? "check" as const : undefined;
        return this.action("add-column", table, {
          column: added.name, type: added.type, notNull: !added.nullable,
          ...(added.default !== undefined ? { default: added.default } : {}),
          ...(constraint ? { constraint, notValid: false } : {}),
        });
      }
      case "AT_DropColumn":
        this.builder.dropColumn(table, column!);
        return this.action("drop-column", table, { column });
      case "AT_AlterColumnType": {
        const previousType = this.builder.column(table, column!)?.type;
        const { name, modifiers, arrayDimensions } = typeParts(cmd.def?.ColumnDef?.typeName);
        const type = canonicalType(name, modifiers, arrayDimensions);
        this.builder.updateColumn(table, column!, { type, location });
        return this.action("alter-column-type", table, { column, type, ...(previousType ? { previousType } : {}) });
      }
      case "AT_SetNotNull":
        this.builder.updateColumn(table, column!, { nullable: false });
        return this.action("set-not-null", table, { column });
      case "AT_DropNotNull":
        this.builder.updateColumn(table, column!, { nullable: true });
        return this.action("drop-not-null", table, { column });
      case "AT_ColumnDefault": {
        const value = cmd.def ? canonicalDefault(expressionText(cmd.def)) : undefined;
        this.builder.updateColumn(table, column!, { default: value });
        return this.action(cmd.def ? "set-default" : "drop-default", table, { column, ...(value ? { default: value } : {}) });
      }
      case "AT_AddConstraint": {
        const c = cmd.def.Constraint;
        const constraint = this.addConstraint(table, c, [], location);
        const columns = nameList(c.fk_attrs).length ? nameList(c.fk_attrs) : nameList(c.keys);
        return this.action("add-constraint", table, { ...(constraint ? { constraint } : {}), columns, notValid: Boolean(c.skip_validation) });
      }
      case "AT_ValidateConstraint":
        return this.action("validate-constraint", table);
      case "AT_DropConstraint":
        this.builder.dropConstraint(table, cmd.name);
        return this.action("drop-constraint", table);
      default:
        return this.action("other", table);
    }
  }

  private rename(body: PgNode): MigrationAction {
    const table: string | undefined = body.relation?.relname;
    switch (body.renameType) {
      case "OBJECT_COLUMN":
        this.builder.renameColumn(table!, body.subname, body.newname);
        return this.action("rename-column", table, { column: body.subname, newName: body.newname });
      case "OBJECT_TABLE": {
        const action = this.action("rename-table", table, { newName: body.newname });
        this.builder.renameTable(table!, body.newname);
        if (this.createdHere.has(table!)) this.createdHere.add(body.newname);
        return action;
      }
      case "OBJECT_INDEX":
        this.builder.renameIndex(table!, body.newname);
        return this.action("other", undefined);
      default:
        return this.action("other", table);
    }
  }

  private drop(body: PgNode): MigrationAction[] {
    const names: string[] = (body.objects ?? []).map((o: PgNode) => lastName(o.List?.items));
    if (body.removeType === "OBJECT_TABLE") {
      return names.map((name) => {
        const action = this.action("drop-table", name);
        this.builder.dropTable(name);
        return action;
      });
    }
    if (body.removeType === "OBJECT_INDEX") {
      for (const name of names) this.builder.dropIndex(name);
      return [this.action("drop-index", undefined, { concurrently: Boolean(body.concurrent) })];
    }
    return [this.action("other", undefined)];
  }
}
