// security/jwt-decode-used-for-auth: a token's claims trusted without checking its signature.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, questionIfAsk, refs } from "../support.ts";
import { sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/jwt-decode-used-for-auth",
  area: "security",
  severity: "high",
  title: "JWT decoded without verifying its signature",
  rationale:
    "Finds `jwt.decode`, `jws.decode`, `jwtDecode` or jose's `decodeJwt` in a function that reads the request's " +
    "credential (the Authorization header, a token cookie) and never verifies a token — neither itself nor through " +
    "the helpers it calls, nor through an authentication middleware before the route. `decode` only base64-decodes: " +
    "anyone can write a token whose payload says `{ \"role\": \"admin\" }`, and without a signature check it is " +
    "believed.",
  examples: {
    bad: `const user = jwt.decode(req.headers.authorization.slice(7));
if (user.role === "admin") next();`,
    good: `const user = jwt.verify(req.headers.authorization.slice(7), publicKey, { algorithms: ["RS256"] });
if (user.role === "admin") next();`,
  },
  references: [
    refs.cwe(345, "Insufficient Verification of Data Authenticity"),
    refs.asvs("9.1.1", "Self-contained tokens are validated using their digital signature or MAC before their contents are accepted"),
    refs.top10(2021, 7, "Identification and Authentication Failures"),
    refs.cheatSheet("JSON_Web_Token_for_Java"),
  ],
};

/** The decode and the credential read are facts; whether the claims decide access is read from the function's role, not proven. */
const CONFIDENCE = 82;

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const verifiedHandlers = new Set(model.endpoints.filter((e) => e.auth.state === "required" && e.handlerId).map((e) => e.handlerId!));
  for (const sink of sinksOfKind(model, ["jwt-decode"]).sort((a, b) => byLocation(a.location, b.location))) {
    // A handler behind an authentication middleware gets a token that was already verified.
    if (sink.functionId && verifiedHandlers.has(sink.functionId)) continue;
    const read = sink.via?.[0];
    const where = describeLocation(sink.location);
    ctx.report({
      confidence: CONFIDENCE,
      message: `${sink.api} at ${where} decodes a token without verifying its signature${read ? `, in a function that reads the request's credential (${describeLocation(read)})` : ""}: a forged token's claims are believed.`,
      location: sink.location,
      subject: `${sink.id} ${sink.api}`,
      evidence: [...(read ? [ctx.codeEvidence(read, "credential read here")] : []), ctx.codeEvidence(sink.location, "decoded without verification here")],
      references: meta.references,
      remediation: { summary: "Verify the token (jwt.verify with the key and an algorithms allowlist) and use the verified payload; keep decode for display only." },
      ...questionIfAsk(model, CONFIDENCE, `Is the token decoded at ${where} verified somewhere bka cannot see before its claims are used?`),
    });
  }
}

export const rule: Rule = { meta, check };
