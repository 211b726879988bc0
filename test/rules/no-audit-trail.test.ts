// security/no-audit-trail through the real ingest: sensitive writes with no audit insert on the
// way get one question per service; a helper that writes the audit row counts; notes are not asked about.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { review } from "../../src/index.ts";

async function auditFindings(variant: string) {
  const { findings } = await review(`test/fixtures/audit/${variant}`, { verify: false });
  return findings.filter((f) => f.ruleId === "security/no-audit-trail");
}

describe("security/no-audit-trail", () => {
  it("asks once per service about the role change and the refund, not about notes", async () => {
    const findings = await auditFindings("bad");
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.band, "ask");
    assert.equal(finding.confidence, 55);
    assert.equal(`${finding.location?.file}:${finding.location?.line}`, "src/app.js:9");
    assert.equal(finding.message, "2 write endpoints of audit-bad change Payment, User without writing an audit record: nothing would show who made a change, when, or what the value was before.");
    assert.deepEqual(finding.evidence.map((e) => (e.kind === "code" ? `${e.line} ${e.label}` : "")), ["9 PUT /users/{id}/role writes User", "14 POST /payments/{id}/refund writes Payment"]);
    assert.match(finding.question ?? "", /^Where is the audit trail for changes to Payment, User in audit-bad/);
  });

  it("is quiet when each sensitive write also inserts an audit row (through a helper)", async () => {
    assert.deepEqual(await auditFindings("good"), []);
  });
});
