// security/cors-permissive: CORS answers every origin (without credentials; with them see cors-wildcard-with-credentials).
import type { ArchitectureModel, SecurityControl } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/cors-permissive",
  area: "security",
  severity: "medium",
  title: "CORS allows every origin",
  rationale:
    "Finds CORS configured without an origin list: `cors()` with no options (the cors package, @fastify/cors and " +
    "hono/cors answer `Access-Control-Allow-Origin: *`; @koa/cors reflects the caller's origin), `origin: \"*\"` or " +
    "`origin: true` (reflects whatever Origin the browser sends). Any website can then read the API's responses " +
    "from a visitor's browser — harmless for public data, a leak for anything the network position or an " +
    "IP-based check protects, and one `credentials: true` away from exposing every logged-in user (that case is " +
    "security/cors-wildcard-with-credentials). One finding per service.",
  examples: {
    bad: `app.use(cors());`,
    good: `app.use(cors({ origin: ["https://app.example.com"] }));`,
  },
  references: [
    refs.cwe(942, "Permissive Cross-domain Policy with Untrusted Domains"),
    refs.asvs("3.4.2", "Access-Control-Allow-Origin is a fixed value or validated against an allowlist"),
    refs.top10(2021, 5, "Security Misconfiguration"),
  ],
};

/** The configuration is a fact; whether the API's responses are public is the decision. */
const CONFIDENCE = 76;

const OPTIONS: Option[] = [
  {
    title: "List the origins that may call the API (origin: [\"https://app.example.com\"])",
    pros: ["Other sites cannot read responses from a visitor's browser"],
    cons: ["Every new front-end origin must be added (configure it per environment)"],
  },
  {
    title: "Keep `*` for a deliberately public, unauthenticated API",
    pros: ["Any site may use the API"],
    cons: ["Never combine with cookies or credentials; record the decision in the bka config"],
  },
];

/** An origin setting that admits every site: absent (the library default), `*` or `true`. */
function admitsEveryOrigin(control: SecurityControl): boolean {
  const { origin, credentials } = control.options;
  if (credentials === true) return false; // security/cors-wildcard-with-credentials reports it
  return origin === undefined || origin === "*" || origin === true;
}

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const permissive = model.securityControls.filter((c) => c.kind === "cors" && admitsEveryOrigin(c)).sort((a, b) => byLocation(a.location, b.location));
  for (const serviceId of [...new Set(permissive.map((c) => c.serviceId))].sort()) {
    const controls = permissive.filter((c) => c.serviceId === serviceId);
    const first = controls[0];
    const how = first.options.origin === true ? "reflects every origin" : first.options.origin === "*" ? "allows origin *" : "uses the library default (every origin)";
    const places = controls.map((c) => describeLocation(c.location)).join(", ");
    ctx.report({
      confidence: CONFIDENCE,
      message: `CORS in ${serviceId} ${how} (${first.library} at ${places}): any website can read the responses from a visitor's browser.`,
      location: first.location,
      subject: `service ${serviceId} cors`,
      evidence: controls.map((c) => ctx.codeEvidence(c.location, "CORS configured here without an origin list")),
      references: meta.references,
      remediation: { summary: "Pass the allowed origins explicitly (an array or a function that checks an allowlist).", options: OPTIONS },
      ...questionIfAsk(model, CONFIDENCE, `Are the responses of ${serviceId} meant to be readable by any website?`),
    });
  }
}

export const rule: Rule = { meta, check };
