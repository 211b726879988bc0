// security/open-redirect: request input decides where the browser is sent.
import type { ArchitectureModel, SecuritySink } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, refs } from "../support.ts";
import { checkSinks, flowEvidence, SINK_CONFIDENCE, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/open-redirect",
  area: "security",
  severity: "medium",
  title: "Redirect target taken from request input",
  rationale:
    "Finds `res.redirect`, `res.location` and `Location` headers whose target comes from request input. A link on " +
    "the real domain that forwards to an attacker's site makes phishing convincing and can leak tokens in the URL to " +
    "that site. Substring checks (`url.includes(\"trusted.com\")`) are not an allowlist: `evil.com/?trusted.com` " +
    "passes them, and so does `https://trusted.com.evil.com` a prefix check: a redirect behind such a check is " +
    "reported at the check. Targets behind an exact allowlist (`ALLOWED.has(url)`), and parts of a parsed URL whose " +
    "origin was compared with the site's (`url.origin === SITE ? url.pathname : \"/\"`), are not reported; targets of " +
    "unknown origin are asked about.",
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

const REMEDIATION = "Redirect only to relative paths or to exact origins on an allowlist (compare the parsed URL's origin, not a substring).";

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const sinks = sinksOfKind(model, ["redirect"]);
  for (const sink of sinks) if (sink.guard?.strength === "substring" && sink.interpolation === "request") reportWeakCheck(sink, ctx);
  checkSinks(meta, sinks.filter((s) => !(s.guard?.strength === "substring" && s.interpolation === "request")), model, ctx, {
    sinkLabel: "redirect target set here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} decides where ${api} at ${where} sends the browser.`,
    unknownMessage: (where, api) => `The target of ${api} at ${where} comes from a value bka could not trace.`,
    question: (where) => `Can a client choose the redirect target at ${where}?`,
    remediation: REMEDIATION,
  });
}

/** The redirect is checked, but by a substring or prefix match: the finding belongs to the check. */
function reportWeakCheck(sink: SecuritySink, ctx: RuleContext): void {
  const guard = sink.guard!;
  const inputs = [...new Set(sink.flows.map((f) => `req.${f.source.path}`))];
  ctx.report({
    confidence: SINK_CONFIDENCE.flow,
    message:
      `${inputs.join(", ")} decides where ${sink.api} at ${describeLocation(sink.location)} sends the browser; the allowlist check at ` +
      `${describeLocation(guard.location)} uses ${guard.how}, which a URL that merely contains or starts with an allowed one also passes.`,
    location: guard.location,
    subject: `${sink.id} ${sink.api} guard`,
    evidence: [ctx.codeEvidence(guard.location, "substring/prefix allowlist check"), ...flowEvidence(ctx, sink.location, sink.flows, "redirect target set here")],
    references: meta.references,
    remediation: { summary: `${REMEDIATION} Parse the target with \`new URL(target, base)\` and compare its origin with \`===\` (or look it up in a Set of exact URLs).` },
  });
}

export const rule: Rule = { meta, check };
