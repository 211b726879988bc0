// Rules the database itself enforces, as DDL after the tables: row-level security for tenants,
// the audit table and its trigger, append-only tables, and double-entry bookkeeping. Enforced in
// the database because every code path (the API, a script, a migration, a console session as the
// application role) goes through it; an application-level check covers only the paths that call it.
import type { Entity } from "../model/types.ts";

/** The table audited changes are written to. */
export const AUDIT_TABLE = "audit_log";

/** The setting the audit trigger reads for who made a change (the application sets it per transaction). */
export const ACTOR_SETTING = "app.user_id";

/**
 * Row-level security: the policy compares the tenant column with the session setting, for reads
 * (USING) and writes (WITH CHECK); FORCE makes it apply to the table's owner too. A superuser
 * or a BYPASSRLS role still bypasses it, so the application must connect as neither.
 */
export function rowLevelSecurity(table: string, column: string, setting: string, type: string): string[] {
  const tenant = `${column} = current_setting('${setting}')::${type}`;
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY ${table}_tenant_isolation ON ${table} USING (${tenant}) WITH CHECK (${tenant});`,
  ];
}

/** The audit table: who changed which row of which table, how, and the row before and after. */
export function auditEntity(tenant?: { column: string; type: string }): Entity {
  return {
    name: AUDIT_TABLE,
    columns: [
      { name: "id", type: "bigint", nullable: false, default: "identity" },
      { name: "table_name", type: "text", nullable: false },
      { name: "row_key", type: "jsonb", nullable: false },
      { name: "action", type: "text", nullable: false },
      { name: "actor", type: "text", nullable: true },
      { name: "old_row", type: "jsonb", nullable: true },
      { name: "new_row", type: "jsonb", nullable: true },
      { name: "changed_at", type: "timestamptz", nullable: false, default: "now()" },
      ...(tenant ? [{ name: tenant.column, type: tenant.type, nullable: true }] : []),
    ],
    primaryKey: ["id"],
    foreignKeys: [],
    uniques: [],
    checks: ["action IN ('INSERT', 'UPDATE', 'DELETE')"],
    indexes: [
      { name: `${AUDIT_TABLE}_table_name_row_key_changed_at_idx`, columns: ["table_name", "row_key", "changed_at"], unique: false },
      { name: `${AUDIT_TABLE}_changed_at_idx`, columns: ["changed_at"], unique: false },
    ],
    location: { file: "requirements", line: 1, column: 1 },
    source: "sql",
  };
}

export interface AuditedTable {
  table: string;
  /** The key columns, written to row_key. */
  key: string[];
  /** Columns never copied into the audit rows (password hashes, tokens). */
  secrets: string[];
}

/**
 * One trigger function for every audited table (SECURITY DEFINER: the application role needs no
 * right on the audit table), one AFTER trigger per table; the audit table refuses UPDATE, DELETE
 * and TRUNCATE except deletes past the retention period.
 */
export function auditStatements(tables: readonly AuditedTable[], retentionDays: number | undefined, tenantColumn?: { column: string; type: string }): string[] {
  // The tenant of an audit row is the changed row's own, so the trail of a tenant can be handed over.
  const tenant = tenantColumn ? { column: `, ${tenantColumn.column}`, value: `, (row ->> '${tenantColumn.column}')::${tenantColumn.type}` } : { column: "", value: "" };
  return [
    [
      "CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$",
      "DECLARE",
      "  row jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);",
      "BEGIN",
      `  INSERT INTO ${AUDIT_TABLE} (table_name, row_key, action, actor, old_row, new_row${tenant.column})`,
      "  VALUES (TG_TABLE_NAME, (SELECT jsonb_object_agg(k, row -> k) FROM unnest(string_to_array(TG_ARGV[0], ',')) AS k), TG_OP,",
      `    nullif(current_setting('${ACTOR_SETTING}', true), ''),`,
      "    CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) - TG_ARGV[1:] END,",
      `    CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) - TG_ARGV[1:] END${tenant.value});`,
      "  RETURN NULL;",
      "END $$;",
    ].join("\n"),
    ...tables.map(({ table, key, secrets }) =>
      `CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_row(${[key.join(","), ...secrets].map(quote).join(", ")});`),
    ...appendOnlyStatements(AUDIT_TABLE, retentionDays === undefined ? undefined : { days: retentionDays, column: "changed_at" }),
    `REVOKE UPDATE, DELETE, TRUNCATE ON ${AUDIT_TABLE} FROM PUBLIC;`,
  ];
}

/**
 * A table whose rows are never changed: a row trigger refuses UPDATE and DELETE (a delete of a
 * row older than the retention period is let through, so retention can purge), a statement
 * trigger refuses TRUNCATE.
 */
export function appendOnlyStatements(table: string, retention?: { days: number; column: string }): string[] {
  const purge = retention ? `  IF TG_OP = 'DELETE' AND OLD.${retention.column} < now() - interval '${retention.days} days' THEN RETURN OLD; END IF;\n` : "";
  return [
    `CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n${purge}  RAISE EXCEPTION '${table} is append-only: % refused', TG_OP;\nEND $$;`,
    `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_append_only();`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_append_only();`,
  ];
}

export interface DoubleEntry {
  table: string;
  groupBy: string;
  amount: string;
  /** The balance kept in step: table.column, reached through `via` (this table's foreign key). */
  balance?: { table: string; column: string; via: string; key: string; /** The balance row has a version column (ETag): a new balance is a new version. */ versioned: boolean };
}

/**
 * Double-entry bookkeeping: a deferred constraint trigger checks at commit that the entries of
 * each group sum to zero (so the entries of one transfer can be inserted one by one); a row
 * trigger adds each entry to its balance in the same transaction, which locks the balance row.
 */
export function doubleEntryStatements(entry: DoubleEntry): string[] {
  const { table, groupBy, amount, balance } = entry;
  const statements = [
    [
      `CREATE FUNCTION ${table}_balanced() RETURNS trigger LANGUAGE plpgsql AS $$`,
      "BEGIN",
      `  IF (SELECT sum(${amount}) FROM ${table} WHERE ${groupBy} = NEW.${groupBy}) <> 0 THEN`,
      `    RAISE EXCEPTION '${table} of ${groupBy} % do not sum to zero', NEW.${groupBy};`,
      "  END IF;",
      "  RETURN NULL;",
      "END $$;",
    ].join("\n"),
    `CREATE CONSTRAINT TRIGGER ${table}_balanced AFTER INSERT ON ${table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${table}_balanced();`,
  ];
  if (!balance) return statements;
  return [
    ...statements,
    [
      `CREATE FUNCTION ${table}_apply() RETURNS trigger LANGUAGE plpgsql AS $$`,
      "BEGIN",
      `  UPDATE ${balance.table} SET ${balance.column} = ${balance.column} + NEW.${amount}, updated_at = now()${balance.versioned ? ", version = version + 1" : ""} WHERE ${balance.key} = NEW.${balance.via};`,
      "  RETURN NULL;",
      "END $$;",
    ].join("\n"),
    `CREATE TRIGGER ${table}_apply AFTER INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_apply();`,
  ];
}

/** A covering index: `include` columns ride in the leaf pages so the pattern never visits the table. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
