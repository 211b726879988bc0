// The three design examples end to end: requirements → schema, API, verification, files. Each
// design serves every statement with an index on PGlite (tenant tables as the application role),
// its OpenAPI is valid 3.1 with 0 Spectral errors, and a second run writes the same bytes.
// Rows are capped (1,000 per table) so the three run in well under a minute.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import { validate } from "@readme/openapi-parser";
import { loadRequirements } from "../../src/ingest/requirements/load.ts";
import { requirementsSchemaText } from "../../src/ingest/requirements/json-schema.ts";
import { design, renderDesign } from "../../src/design/index.ts";
import { schemaDdl } from "../../src/design/schema.ts";
import { lintOpenApi } from "../../src/verify/openapi-lint.ts";

const ROWS = 1_000;

interface Example {
  file: string;
  /** Statements the schema must contain. */
  ddl: RegExp[];
  /** Pattern → the index the plan must use. */
  plans: Record<string, string>;
}

const EXAMPLES: Example[] = [
  {
    file: "examples/design-marketplace/requirements.yaml",
    ddl: [
      /\nCREATE TABLE listings_tags \(\n {2}listing_id uuid NOT NULL,\n {2}tag_id uuid NOT NULL,\n[^;]*PRIMARY KEY \(listing_id, tag_id\)\n\);/,
      /\nCREATE INDEX listings_tags_tag_id_listing_id_idx ON listings_tags \(tag_id, listing_id\);/,
      /\nCREATE INDEX listings_category_id_price_id_active_live_covering_idx ON listings \(category_id, price, id\) INCLUDE \(title, currency\) WHERE status = 'active' AND deleted_at IS NULL;/,
      /\nCREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row\('id'\);/,
      /\n {2}UNIQUE \(idempotency_key\),\n/,
    ],
    plans: {
      browse_category: "Index Only Scan listings_category_id_price_id_active_live_covering_idx",
      listings_with_tag: "Index Scan listings_tags_tag_id_listing_id_idx",
      place_order: "Conflict Arbiter orders_idempotency_key_key",
      stale_pending_orders: "Bitmap Index Scan orders_placed_at_id_pending_idx",
    },
  },
  {
    file: "examples/design-saas/requirements.yaml",
    ddl: [
      /\nALTER TABLE tasks FORCE ROW LEVEL SECURITY;\nCREATE POLICY tasks_tenant_isolation ON tasks USING \(tenant_id = current_setting\('app\.tenant_id'\)::uuid\) WITH CHECK \(tenant_id = current_setting\('app\.tenant_id'\)::uuid\);/,
      /\nALTER TABLE tasks ADD FOREIGN KEY \(tenant_id, assignee_id\) REFERENCES users \(tenant_id, id\) ON DELETE SET NULL \(assignee_id\);/,
      /\n {2}PRIMARY KEY \(tenant_id, user_id, project_id\),\n {2}CHECK \(role IN /,
      /\nCREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_row\('id', 'password_hash'\);/,
    ],
    plans: {
      project_board: "Index Only Scan tasks_tenant_id_project_id_status_due_date_id_covering_idx",
      project_members: "Bitmap Index Scan memberships_tenant_id_project_id_user_id_idx",
      my_projects: "Index Scan memberships_pkey",
      user_by_email: "Index Scan users_tenant_id_email_key",
    },
  },
  {
    file: "examples/design-ledger/requirements.yaml",
    ddl: [
      /\nCREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entries_balanced\(\);/,
      /\n {2}UPDATE accounts SET balance = balance \+ NEW\.amount, updated_at = now\(\), version = version \+ 1 WHERE id = NEW\.account_id;/,
      /\nCREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers FOR EACH ROW EXECUTE FUNCTION transfers_append_only\(\);/,
      /\n {2}CHECK \(balance >= 0\),/,
    ],
    plans: {
      post_transfer: "Conflict Arbiter transfers_idempotency_key_key",
      account_statement: "Index Only Scan ledger_entries_account_id_created_at_id_covering_idx",
      "ledger_entries: entries of one transfer_id sum to zero": "Index Scan ledger_entries_transfer_id_idx",
      "accounts: lock the balance rows of one transfer_id": "Bitmap Index Scan accounts_pkey",
    },
  },
];

describe("design examples end to end", () => {
  for (const example of EXAMPLES) {
    it(example.file, async () => {
      const req = loadRequirements(example.file);
      const first = await design(req, { rows: ROWS });
      const verification = first.verification!;
      const unserved = verification.plans.filter((p) => p.needsIndex && !p.index).map((p) => p.pattern);
      assert.deepEqual(unserved, [], "every statement that reads rows uses an index");
      for (const [pattern, expected] of Object.entries(example.plans)) {
        const plan = verification.plans.find((p) => p.pattern === pattern)!;
        assert.equal(`${plan.indexNode} ${plan.index}`, expected, pattern);
      }
      if (req.tenancy) {
        assert.equal(verification.tenant?.role, "bka_app");
        for (const plan of verification.plans.filter((p) => p.condition && first.schema.tenancy!.tables.some((t) => p.sql.includes(`FROM ${t} `)) && !/WHERE id = \$1/.test(p.sql))) {
          assert.match(plan.condition!, /tenant_id = \(current_setting\('app\.tenant_id'::text\)\)::uuid/, plan.pattern);
        }
      }
      const ddl = schemaDdl(first.schema, req.service.name);
      for (const pattern of example.ddl) assert.match(ddl, pattern);

      const validation = await validate(structuredClone(first.api) as never);
      assert.equal(validation.valid, true, JSON.stringify(validation));
      const lint = await lintOpenApi(first.api);
      assert.deepEqual(lint.results.filter((r) => r.severity === "error"), []);

      const second = await design(loadRequirements(example.file), { rows: ROWS });
      assert.deepEqual(renderDesign(second), renderDesign(first));
      assert.equal(schemaDdl(second.schema, req.service.name), ddl);
    });
  }

  it("the editor's JSON Schema accepts every example", () => {
    const ajv = new Ajv2020.default({ strict: false });
    const check = ajv.compile(JSON.parse(requirementsSchemaText()));
    for (const { file } of EXAMPLES) assert.equal(check(parse(readFileSync(file, "utf8"))), true, `${file}: ${JSON.stringify(check.errors)}`);
  });
});
