// security/jwt-without-expiry: tokens signed without an expiry are valid forever.
import type { ArchitectureModel, SecurityControl } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/jwt-without-expiry",
  area: "security",
  severity: "medium",
  title: "JWT signed without an expiry",
  rationale:
    "Finds `jwt.sign(payload, key, options)` with no `expiresIn` option and no `exp` claim in a literal payload, " +
    "and @nestjs/jwt modules whose `signOptions` set no `expiresIn`. A token without `exp` never expires: one " +
    "leaked from a log, a browser or a proxy works until the signing key is rotated, and logging out cannot end it. " +
    "Sign calls whose options or payload are built elsewhere are a decision, not a fact.",
  examples: {
    bad: `const token = jwt.sign({ sub: user.id }, key, { algorithm: "RS256" });`,
    good: `const token = jwt.sign({ sub: user.id }, key, { algorithm: "RS256", expiresIn: "15m" });`,
  },
  references: [
    refs.cwe(613, "Insufficient Session Expiration"),
    refs.asvs("7.3.2", "An absolute maximum session lifetime enforces re-authentication"),
    refs.asvs("9.2.1", "A token's validity time span (exp, nbf) is verified"),
    refs.top10(2021, 7, "Identification and Authentication Failures"),
  ],
};

/** Both the options and the payload are literals without an expiry: the token never expires. */
const CONFIDENCE = { literal: 92, payloadUnknown: 74 } as const;

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const controls = model.securityControls.filter((c) => c.kind === "jwt").sort((a, b) => byLocation(a.location, b.location));
  for (const control of controls) {
    const confidence = confidenceOf(control);
    if (confidence === undefined) continue;
    const where = describeLocation(control.location);
    ctx.report({
      confidence,
      message:
        control.library === "@nestjs/jwt"
          ? `JwtModule at ${where} sets no signOptions.expiresIn: tokens signed without a per-call expiry never expire.`
          : `${control.library}.sign at ${where} sets no expiresIn${Array.isArray(control.options.payloadClaims) ? " and its payload has no exp claim" : ""}: the token never expires.`,
      location: control.location,
      subject: `${control.location.file}:${control.location.line} jwt sign`,
      evidence: [ctx.codeEvidence(control.location, "token signed here without an expiry")],
      references: meta.references,
      remediation: { summary: "Give every token a short lifetime (expiresIn: \"15m\" for access tokens) and renew it with a refresh token that can be revoked." },
      ...questionIfAsk(model, confidence, `Does the payload signed at ${where} carry an exp claim set elsewhere?`),
    });
  }
}

function confidenceOf(control: SecurityControl): number | undefined {
  const o = control.options;
  if (control.library === "@nestjs/jwt") {
    // registerAsync({ useFactory }): the options are built at run time.
    if (["useFactory", "useClass", "useExisting"].some((k) => k in o)) return undefined;
    const sign = o.signOptions;
    if (sign === "(dynamic)" || (typeof sign === "object" && sign !== null && "expiresIn" in sign)) return undefined;
    return CONFIDENCE.payloadUnknown;
  }
  if (control.library !== "jsonwebtoken" || o.use !== "sign" || o.optionsArg === "dynamic" || o.expiresIn !== undefined) return undefined;
  const claims = o.payloadClaims;
  if (!Array.isArray(claims)) return CONFIDENCE.payloadUnknown;
  return claims.includes("exp") ? undefined : CONFIDENCE.literal;
}

export const rule: Rule = { meta, check };
