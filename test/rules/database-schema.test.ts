// The schema rules, each on a billing schema that has its flaw and on the same schema fixed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSqlFiles } from "../../src/ingest/data/sql.ts";
import type { ArchitectureModel, Entity } from "../../src/model/types.ts";
import type { Rule } from "../../src/rules/types.ts";
import { rule as duplicateIndex } from "../../src/rules/database/duplicate-index.ts";
import { rule as fkWithoutIndex } from "../../src/rules/database/fk-without-index.ts";
import { rule as missingPrimaryKey } from "../../src/rules/database/missing-primary-key.ts";
import { isMoneyName, rule as moneyAsFloat } from "../../src/rules/database/money-as-float.ts";
import { rule as noUpdatedAt } from "../../src/rules/database/no-updated-at.ts";
import { rule as nullableUnique } from "../../src/rules/database/nullable-unique.ts";
import { rule as redundantIndex } from "../../src/rules/database/redundant-index.ts";
import { rule as timestampWithoutTimeZone } from "../../src/rules/database/timestamp-without-time-zone.ts";
import { rule as varcharLimit } from "../../src/rules/database/varchar-limit-without-reason.ts";
import { at, dataAccess, emptyModel, evidenceLines, fixture, runRule } from "./model-builder.ts";

const SCHEMA = "db/schema.sql";

function schemaModel(root: string, overrides: Partial<ArchitectureModel> = {}): ArchitectureModel {
  const { builder, warnings } = readSqlFiles([{ path: SCHEMA, text: readFileSync(join(root, SCHEMA), "utf8"), tool: "plain" }]);
  assert.deepEqual(warnings, []);
  return emptyModel({ entities: builder.entities(), ...overrides });
}

const flawed = fixture("database-schema", "flawed");
const clean = fixture("database-schema", "clean");

/** Each rule, the `file:line` of every finding on the flawed schema, and its confidence. */
const CASES: { rule: Rule; lines: string[]; confidence: number; message: RegExp }[] = [
  { rule: fkWithoutIndex, lines: [`${SCHEMA}:23`], confidence: 85, message: /^invoice_lines\.invoice_id references invoices \(id\) but no index starts with invoice_id .*each delete on invoices cascades through invoice_lines with a full scan\.$/ },
  { rule: moneyAsFloat, lines: [`${SCHEMA}:14`], confidence: 90, message: /^invoices\.amount holds money as double precision/ },
  { rule: timestampWithoutTimeZone, lines: [`${SCHEMA}:15`], confidence: 90, message: /^invoices\.issued_at is timestamp: / },
  { rule: missingPrimaryKey, lines: [`${SCHEMA}:28`], confidence: 90, message: /^exchange_rates has no primary key: / },
  { rule: nullableUnique, lines: [`${SCHEMA}:5`], confidence: 70, message: /^The unique constraint on accounts \(username\) includes nullable username/ },
  { rule: varcharLimit, lines: [`${SCHEMA}:4`], confidence: 50, message: /^accounts\.email is varchar\(255\): is 255 characters a rule of the business\?/ },
  { rule: duplicateIndex, lines: [`${SCHEMA}:9`, `${SCHEMA}:4`], confidence: 95, message: /^The index accounts_email_idx on accounts \(email\) duplicates the unique constraint on accounts \(email\)/ },
  { rule: redundantIndex, lines: [`${SCHEMA}:18`, `${SCHEMA}:19`], confidence: 80, message: /^The index invoices_account_id_idx on invoices \(account_id\) is the leading part of the index invoices_account_id_issued_at_idx/ },
  { rule: noUpdatedAt, lines: [`${SCHEMA}:21`], confidence: 50, message: /^invoice_lines has no column recording when a row last changed/ },
];

describe("database schema rules", () => {
  for (const { rule, lines, confidence, message } of CASES) {
    describe(rule.meta.id, () => {
      it("reports the flaw at its line, with real evidence", () => {
        const findings = runRule(rule, schemaModel(flawed), flawed);
        assert.equal(findings.length, 1, findings.map((f) => f.message).join("\n"));
        const [finding] = findings;
        assert.deepEqual(evidenceLines(finding), lines);
        assert.equal(finding.confidence, confidence);
        assert.match(finding.message, message);
        assert.ok(finding.remediation.summary.length > 0);
        if (finding.band === "ask") assert.ok(finding.question, "an ask finding carries its question");
        if (finding.band === "decide") assert.ok(finding.remediation.options?.length, "a decide finding carries options");
      });

      it("reports nothing on the fixed schema", () => {
        assert.deepEqual(runRule(rule, schemaModel(clean), clean).map((f) => f.message), []);
      });
    });
  }

  it("fk-without-index is certain when a query filters on the column", () => {
    const query = dataAccess({ location: { file: SCHEMA, line: 23, column: 3 }, entity: "invoice_lines", filterColumns: ["invoice_id"] });
    const [finding] = runRule(fkWithoutIndex, schemaModel(flawed, { dataAccesses: [query] }), flawed);
    assert.equal(finding.confidence, 95);
    assert.equal(finding.band, "act");
    assert.match(finding.message, /and 1 query filters on it\.$/);
    assert.equal(finding.remediation.fix?.replacement, "CREATE INDEX CONCURRENTLY invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);");
  });

  it("an index whose leading columns are the key's, in any order, covers the foreign key", () => {
    const entity: Entity = {
      name: "likes", source: "sql", location: at(flawed, SCHEMA, "CREATE TABLE invoice_lines"),
      columns: [{ name: "post_id", type: "integer", nullable: false }, { name: "user_id", type: "integer", nullable: false }],
      primaryKey: ["user_id", "post_id"], uniques: [], checks: [], indexes: [{ name: "likes_post_id_idx", columns: ["post_id"], unique: false }],
      foreignKeys: [{ columns: ["user_id"], references: { entity: "users", columns: ["id"] } }, { columns: ["post_id", "user_id"], references: { entity: "x", columns: ["a", "b"] } }],
    };
    assert.deepEqual(runRule(fkWithoutIndex, emptyModel({ entities: [entity] }), flawed), []);
  });

  it("money names are whole words: unit_price and totalAmount are money, price_count and discount_rate are not", () => {
    assert.deepEqual(["unit_price", "totalAmount", "balance", "price_count", "discount_rate", "priceless", "tax_percent"].map(isMoneyName), [true, true, true, false, false, false, false]);
  });

  it("money-as-float reports a table's float money columns together, with one ALTER TABLE", () => {
    const loc = at(flawed, SCHEMA, "amount double precision");
    const prices: Entity = { name: "deliveries", source: "sequelize", location: loc, columns: [{ name: "price", type: "double precision", nullable: true, location: loc }, { name: "deluxe_price", type: "real", nullable: true, location: loc }, { name: "eta_days", type: "real", nullable: true, location: loc }], primaryKey: ["id"], foreignKeys: [], uniques: [], checks: [], indexes: [] };
    const findings = runRule(moneyAsFloat, emptyModel({ entities: [prices] }), flawed);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].occurrences, 2);
    assert.match(findings[0].message, /^deliveries\.price and deliveries\.deluxe_price hold money as double precision and real:/);
    assert.equal(findings[0].remediation.fix?.replacement, "ALTER TABLE deliveries ALTER COLUMN price TYPE numeric(12, 2), ALTER COLUMN deluxe_price TYPE numeric(12, 2); -- rewrites the table once: plan the window");
  });

  it("money-as-float asks about a MongoDB Number; timestamp-without-time-zone names Prisma's default", () => {
    const loc = at(flawed, SCHEMA, "amount double precision");
    const mongo: Entity = { name: "payments", source: "mongoose", location: loc, columns: [{ name: "amount", type: "number", nullable: true, location: loc }], primaryKey: ["_id"], foreignKeys: [], uniques: [], checks: [], indexes: [] };
    const [money] = runRule(moneyAsFloat, emptyModel({ entities: [mongo] }), flawed);
    assert.equal(money.confidence, 75);
    assert.match(money.remediation.fix?.replacement ?? "", /Decimal128/);
    const prisma: Entity = { ...mongo, name: "Event", source: "prisma", columns: [{ name: "startsAt", type: "timestamp(3)", nullable: false, location: loc }] };
    const [stamp] = runRule(timestampWithoutTimeZone, emptyModel({ entities: [prisma] }), flawed);
    assert.match(stamp.message, /Prisma's DateTime maps to timestamp\(3\) unless marked @db\.Timestamptz/);
    assert.equal(stamp.confidence, 90);
  });

  it("missing-primary-key is a decision when a NOT NULL unique could be the key", () => {
    const model = schemaModel(flawed);
    const rates = model.entities.find((e) => e.name === "exchange_rates")!;
    rates.uniques.push(["currency"]);
    const [finding] = runRule(missingPrimaryKey, model, flawed);
    assert.equal(finding.confidence, 75);
    assert.equal(finding.remediation.fix?.replacement, "ALTER TABLE exchange_rates ADD PRIMARY KEY (currency);");
  });

  it("fk-without-index: a schema that indexes no foreign key gets one finding, with every index in its fix", () => {
    const loc = at(flawed, SCHEMA, "CREATE TABLE invoice_lines");
    const child = (name: string, parent: string): Entity => ({
      name, source: "sequelize", location: loc, columns: [{ name: "id", type: "integer", nullable: false }, { name: `${parent}_id`, type: "integer", nullable: true }],
      primaryKey: ["id"], uniques: [], checks: [], indexes: [], foreignKeys: [{ columns: [`${parent}_id`], references: { entity: `${parent}s`, columns: ["id"] }, location: loc }],
    });
    const entities = [child("cards", "user"), child("wallets", "user"), child("hints", "challenge")];
    const [habit, ...rest] = runRule(fkWithoutIndex, emptyModel({ entities }), flawed);
    assert.equal(rest.length, 0);
    assert.equal(habit.occurrences, 3);
    assert.match(habit.message, /^No foreign key of the schema has an index of its own: 3 keys \(cards\.user_id; wallets\.user_id; hints\.challenge_id\) are not covered by any/);
    assert.equal(habit.confidence, 85);
    assert.equal(habit.remediation.fix?.replacement, [
      "CREATE INDEX CONCURRENTLY cards_user_id_idx ON cards (user_id);",
      "CREATE INDEX CONCURRENTLY wallets_user_id_idx ON wallets (user_id);",
      "CREATE INDEX CONCURRENTLY hints_challenge_id_idx ON hints (challenge_id);",
    ].join("\n"));
    const query = dataAccess({ location: loc, entity: "wallets", filterColumns: ["user_id"] });
    const [proven] = runRule(fkWithoutIndex, emptyModel({ entities, dataAccesses: [query] }), flawed);
    assert.equal(proven.confidence, 95);
    assert.match(proven.message, /\(wallets\.user_id; cards\.user_id; hints\.challenge_id\).*; queries filter on 1 of them\.$/);
    // One indexed key shows the team does index them: the others are oversights, one finding each.
    entities[0].indexes.push({ columns: ["user_id"], unique: false });
    assert.deepEqual(runRule(fkWithoutIndex, emptyModel({ entities }), flawed).map((f) => f.occurrences ?? 1), [1, 1]);
  });

  it("varchar-limit-without-reason asks once per schema, naming every limited column by its limit", () => {
    const loc = at(flawed, SCHEMA, "CREATE TABLE accounts");
    const table = (name: string, columns: [string, string][]): Entity => ({ name, source: "sequelize", location: loc, columns: columns.map(([n, type]) => ({ name: n, type, nullable: true, location: loc })), primaryKey: ["id"], foreignKeys: [], uniques: [], checks: [], indexes: [] });
    const model = emptyModel({ entities: [table("users", [["email", "varchar(255)"], ["name", "varchar(255)"], ["country", "varchar(2)"]]), table("products", [["title", "varchar(255)"], ["sku", "text"]])] });
    const findings = runRule(varcharLimit, model, flawed);
    assert.deepEqual(findings.map((f) => f.message.split(": ")[0]), ["3 columns are varchar(255) (products.title, users.email and users.name) and users.country is varchar(2)"]);
    assert.match(findings[0].message, /: are 255 and 2 characters a rule of the business\?/);
    assert.equal(findings[0].occurrences, 4);
    assert.equal(findings[0].evidence.length, 4);
    assert.equal(findings[0].question, "Which of these limits are business rules: varchar(255) for any of products.title, users.email and users.name; varchar(2) for users.country? Keep those (and validate input to match); use text elsewhere.");
  });

  it("no schema rule reports MongoDB collections as SQL tables", () => {
    const loc = at(flawed, SCHEMA, "CREATE TABLE exchange_rates");
    const collection: Entity = { name: "events", source: "mongoose", location: loc, columns: [{ name: "at", type: "date", nullable: true }, { name: "code", type: "string", nullable: true }], primaryKey: [], foreignKeys: [{ columns: ["user"], references: { entity: "users", columns: ["_id"] } }], uniques: [["code"]], checks: [], indexes: [] };
    for (const { rule } of CASES) assert.deepEqual(runRule(rule, emptyModel({ entities: [collection] }), flawed), [], rule.meta.id);
  });
});
