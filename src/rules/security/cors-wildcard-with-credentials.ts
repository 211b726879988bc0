// security/cors-wildcard-with-credentials: any origin may make credentialed requests.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/cors-wildcard-with-credentials",
  area: "security",
  severity: "high",
  title: "CORS allows every origin with credentials",
  rationale:
    "Finds CORS configured with `credentials: true` and an origin of `*` or `true` (the cors package then reflects " +
    "whatever Origin the browser sends). Any website a logged-in user visits can then call the API with the user's " +
    "cookies and read the responses: account data, CSRF tokens, anything the user can see. Credentialed CORS needs " +
    "an explicit allowlist of origins.",
  examples: {
    bad: `app.use(cors({ origin: true, credentials: true }));`,
    good: `app.use(cors({ origin: ["https://app.example.com"], credentials: true }));`,
  },
  references: [
    refs.cwe(942, "Permissive Cross-domain Policy with Untrusted Domains"),
    refs.asvs("3.4.2", "Access-Control-Allow-Origin is a fixed value or validated against an allowlist"),
    refs.top10(2021, 5, "Security Misconfiguration"),
  ],
};

/** Both options are literals read from the configuration: the finding is certain. */
const CONFIDENCE = 95;

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const controls = model.securityControls.filter((c) => c.kind === "cors").sort((a, b) => byLocation(a.location, b.location));
  for (const control of controls) {
    const { origin, credentials } = control.options;
    if (credentials !== true || !(origin === "*" || origin === true)) continue;
    const where = describeLocation(control.location);
    ctx.report({
      confidence: CONFIDENCE,
      message: `CORS at ${where} accepts ${origin === true ? "every origin (reflected)" : "origin *"} with credentials: any site can read responses on behalf of a logged-in user.`,
      location: control.location,
      subject: `${control.location.file}:${control.location.line} cors`,
      evidence: [ctx.codeEvidence(control.location, "CORS configured here")],
      references: meta.references,
      remediation: { summary: "List the allowed origins explicitly (or check them in an origin function) when credentials are allowed." },
    });
  }
}

export const rule: Rule = { meta, check };
