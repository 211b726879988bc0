// security/jwt-verify-without-algorithms: tokens verified without pinning the signing algorithm.
import type { ArchitectureModel, SecurityControl } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { compareText } from "../../model/order.ts";
import { byLocation, describeLocation, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/jwt-verify-without-algorithms",
  area: "security",
  severity: "high",
  title: "JWT verified without an algorithm allowlist",
  rationale:
    "Finds `jsonwebtoken.verify` calls and `express-jwt` configurations without an `algorithms` option. The token's " +
    "own header then chooses how it is checked: older versions accept `alg: none`, and a server holding an RSA public " +
    "key can be tricked into verifying an HMAC signature made with that public key as the secret (algorithm " +
    "confusion), so anyone can forge tokens. Pinning `algorithms: [\"RS256\"]` removes the choice.",
  examples: {
    bad: `const claims = jwt.verify(token, publicKey);`,
    good: `const claims = jwt.verify(token, publicKey, { algorithms: ["RS256"] });`,
  },
  references: [
    refs.cwe(347, "Improper Verification of Cryptographic Signature"),
    refs.asvs("9.1.2", "Only allowlisted algorithms can be used to create and verify self-contained tokens"),
    refs.cheatSheet("JSON_Web_Token_for_Java"),
  ],
};

/** Recent jsonwebtoken (9+) rejects `none` and mismatched key types by default: a decision, not a proven forgery. */
const CONFIDENCE = 75;

function isVerification(control: SecurityControl): boolean {
  if (control.kind !== "jwt") return false;
  if (control.library === "jsonwebtoken") return control.options.use === "verify";
  return control.library === "express-jwt";
}

/**
 * One finding per verification where the service pins algorithms elsewhere (an oversight); one
 * per service when no verification in it does (a habit: one decision, the same fix everywhere).
 */
function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byService = new Map<string, { pinned: number; open: SecurityControl[] }>();
  for (const control of model.securityControls.filter(isVerification).sort((a, b) => byLocation(a.location, b.location))) {
    const entry = byService.get(control.serviceId) ?? { pinned: 0, open: [] };
    if (control.options.algorithms !== undefined) entry.pinned += 1;
    else entry.open.push(control);
    byService.set(control.serviceId, entry);
  }
  for (const [serviceId, { pinned, open }] of [...byService].sort(([a], [b]) => compareText(a, b))) {
    if (pinned === 0 && open.length > 1) reportService(ctx, serviceId, open);
    else for (const control of open) reportOne(ctx, control);
  }
}

function reportOne(ctx: RuleContext, control: SecurityControl): void {
  const where = describeLocation(control.location);
  ctx.report({
    confidence: CONFIDENCE,
    message: `${control.library} at ${where} verifies tokens without an \`algorithms\` allowlist: the token's header chooses the algorithm.`,
    location: control.location,
    subject: `${control.location.file}:${control.location.line} ${control.library}`,
    evidence: [ctx.codeEvidence(control.location, "token verified here")],
    references: meta.references,
    remediation: { summary: REMEDIATION },
  });
}

function reportService(ctx: RuleContext, serviceId: string, open: SecurityControl[]): void {
  const places = open.map((c) => `${c.library} at ${describeLocation(c.location)}`);
  ctx.report({
    confidence: CONFIDENCE,
    message: `No token verification in ${serviceId} pins its algorithms: ${open.length} verifications (${places.join(", ")}) let the token's header choose the algorithm.`,
    location: open[0].location,
    subject: `service ${serviceId}`,
    occurrences: open.length,
    evidence: open.map((c) => ctx.codeEvidence(c.location, `${c.library}: token verified here, no algorithms`)),
    references: meta.references,
    remediation: { summary: REMEDIATION },
  });
}

const REMEDIATION = "Pass `algorithms: [\"RS256\"]` (or the one algorithm you sign with) to every verification.";

export const rule: Rule = { meta, check };
