// security/open-redirect: request input decides where the browser is sent.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/open-redirect",
  area: "security",
  severity: "medium",
  title: "Redirect target taken from request input",
  rationale:
    "Finds `res.redirect`, `res.location` and `Location` headers whose target comes from request input. A link on " +
    "the real domain that forwards to an attacker's site makes phishing convincing and can leak tokens in the URL to " +
    "that site. Substring checks (`url.includes(\"trusted.com\")`) are not an allowlist: `evil.com/?trusted.com` " +
    "passes them. Targets of unknown origin are asked about.",
  examples: {
    bad: `res.redirect(req.query.next);`,
    good: `const next = String(req.query.next ?? "/");
res.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/");`,
  },
  references: [
    refs.cwe(601, "URL Redirection to Untrusted Site ('Open Redirect')"),
    refs.asvs("3.7.2", "The application only redirects to other domains that are on an allowlist"),
    refs.cheatSheet("Unvalidated_Redirects_and_Forwards"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["redirect"]), model, ctx, {
    sinkLabel: "redirect target set here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} decides where ${api} at ${where} sends the browser.`,
    unknownMessage: (where, api) => `The target of ${api} at ${where} comes from a value bka could not trace.`,
    question: (where) => `Can a client choose the redirect target at ${where}?`,
    remediation: "Redirect only to relative paths or to exact origins on an allowlist (compare the parsed URL's origin, not a substring).",
  });
}

export const rule: Rule = { meta, check };
