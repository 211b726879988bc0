// security/jwt-verify-without-algorithms: tokens verified without pinning the signing algorithm.
import type { ArchitectureModel, SecurityControl } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
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

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const controls = model.securityControls.filter(isVerification).sort((a, b) => byLocation(a.location, b.location));
  for (const control of controls) {
    if (control.options.algorithms !== undefined) continue;
    const where = describeLocation(control.location);
    ctx.report({
      confidence: CONFIDENCE,
      message: `${control.library} at ${where} verifies tokens without an \`algorithms\` allowlist: the token's header chooses the algorithm.`,
      location: control.location,
      subject: `${control.location.file}:${control.location.line} ${control.library}`,
      evidence: [ctx.codeEvidence(control.location, "token verified here")],
      references: meta.references,
      remediation: { summary: "Pass `algorithms: [\"RS256\"]` (or the one algorithm you sign with) to every verification." },
    });
  }
}

export const rule: Rule = { meta, check };
