// security/insecure-cookie: a session or token cookie without HttpOnly, Secure or SameSite.
import type { ArchitectureModel, SecurityControl } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/insecure-cookie",
  area: "security",
  severity: "medium",
  title: "Session cookie without HttpOnly, Secure or SameSite",
  rationale:
    "Finds session and token cookies set without the attributes that protect them: `res.cookie(\"token\", …)`, " +
    "Fastify `reply.setCookie`, Koa `ctx.cookies.set`, and the `cookie` options of express-session, " +
    "cookie-session, koa-session and @fastify/session, read against each library's defaults (`res.cookie` sets " +
    "none of them; express-session sets HttpOnly but not Secure). Without HttpOnly any injected script reads the " +
    "session; without Secure it travels over plain HTTP; without SameSite other sites' forms and links carry it " +
    "(CSRF). Cookies whose name does not look like a session or token (a language choice) are not reported.",
  examples: {
    bad: `res.cookie("token", jwt);`,
    good: `res.cookie("token", jwt, { httpOnly: true, secure: true, sameSite: "lax" });`,
  },
  references: [
    refs.cwe(1004, "Sensitive Cookie Without 'HttpOnly' Flag"),
    refs.cwe(614, "Sensitive Cookie in HTTPS Session Without 'Secure' Attribute"),
    refs.asvs("3.3.1", "Cookies have the 'Secure' attribute set"),
    refs.asvs("3.3.2", "Each cookie's 'SameSite' attribute is set according to its purpose"),
    refs.asvs("3.3.4", "Cookies not meant for client-side scripts, such as session tokens, have the 'HttpOnly' attribute"),
    refs.cheatSheet("Session_Management"),
  ],
};

/** The missing attributes are read from literal options; whether the front end must read the cookie is the decision. */
const CONFIDENCE = 80;

const SENSITIVE_NAME = /token|sess|\bsid\b|auth|jwt|login|remember|refresh|credential/i;
type Attribute = "httpOnly" | "secure" | "sameSite";
const ATTRIBUTES: Attribute[] = ["httpOnly", "secure", "sameSite"];

/** What each library sets when an attribute is not given (its documented defaults). */
const DEFAULTS: Record<string, Partial<Record<Attribute, boolean>>> = {
  express: {},
  "@fastify/cookie": {},
  koa: { httpOnly: true },
  "express-session": { httpOnly: true },
  "cookie-session": { httpOnly: true },
  "koa-session": { httpOnly: true },
  "@fastify/session": { httpOnly: true, secure: true },
};

const TOP_LEVEL_ATTRIBUTES = new Set(["cookie-session", "koa-session"]);

const OPTIONS: Option[] = [
  {
    title: "Set httpOnly, secure and sameSite (\"lax\" or \"strict\") on the cookie",
    pros: ["Scripts cannot read the session; it never travels over HTTP; cross-site requests do not carry it"],
    cons: ["`secure` needs HTTPS in development too (or an environment switch); behind a TLS-terminating proxy set `trust proxy`"],
  },
  {
    title: "Keep the token out of cookies: send it in the Authorization header",
    pros: ["No CSRF exposure"],
    cons: ["The front end must store it (memory, not localStorage) and send it on every call"],
  },
];

interface CookieSetting {
  control: SecurityControl;
  name: string;
  missing: Attribute[];
}

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const settings = model.securityControls.flatMap((c) => {
    const s = settingOf(c);
    return s && s.missing.length ? [s] : [];
  });
  // One finding per service, cookie name and missing set: the same cookie set in two places is one flaw.
  const groups = new Map<string, CookieSetting[]>();
  for (const s of settings.sort((a, b) => byLocation(a.control.location, b.control.location))) {
    const key = `${s.control.serviceId} ${s.name} ${s.missing.join(",")}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { control, name, missing } = group[0];
    const places = group.map((s) => describeLocation(s.control.location)).join(", ");
    ctx.report({
      confidence: CONFIDENCE,
      message: `The ${name} cookie (${control.library} at ${places}) is set without ${missing.join(", ")}: ${consequences(missing)}.`,
      location: control.location,
      subject: key,
      evidence: group.map((s) => ctx.codeEvidence(s.control.location, `cookie set here without ${missing.join(", ")}`)),
      references: meta.references,
      remediation: { summary: `Set ${missing.map((m) => (m === "sameSite" ? "sameSite: \"lax\"" : `${m}: true`)).join(", ")} on the ${name} cookie.`, options: OPTIONS },
      ...questionIfAsk(model, CONFIDENCE, `Must the front end read the ${name} cookie from script, and is the service only reached over HTTPS?`),
    });
  }
}

/** The cookie a control sets and the attributes it leaves off; undefined when it is not a session cookie or its options are not literal. */
function settingOf(control: SecurityControl): CookieSetting | undefined {
  const defaults = DEFAULTS[control.library];
  if (!defaults) return undefined;
  if (control.kind === "cookie") {
    const name = control.options.name;
    if (typeof name !== "string" || !SENSITIVE_NAME.test(name) || control.options.options === "dynamic") return undefined;
    return { control, name: `"${name}"`, missing: missingAttributes(control.options, defaults) };
  }
  if (control.kind !== "session") return undefined;
  // cookie-session and koa-session take the cookie attributes at the top level; the others under `cookie`.
  const cookie = TOP_LEVEL_ATTRIBUTES.has(control.library) ? control.options : control.options.cookie;
  if (cookie !== undefined && (typeof cookie !== "object" || cookie === null || Array.isArray(cookie))) return undefined;
  const name = typeof control.options.name === "string" ? `"${control.options.name}"` : "session";
  return { control, name, missing: missingAttributes((cookie ?? {}) as Record<string, unknown>, defaults) };
}

function missingAttributes(options: Record<string, unknown>, defaults: Partial<Record<Attribute, boolean>>): Attribute[] {
  return ATTRIBUTES.filter((attribute) => {
    const value = options[attribute];
    if (value === undefined) return !defaults[attribute];
    // "(dynamic)" or a function: set from configuration, not known to be off.
    return value === false || (attribute === "sameSite" && value === "none");
  });
}

function consequences(missing: Attribute[]): string {
  const text: Record<Attribute, string> = {
    httpOnly: "any script on the page can read it",
    secure: "it is sent over plain HTTP",
    sameSite: "requests from other sites carry it",
  };
  return missing.map((m) => text[m]).join("; ");
}

export const rule: Rule = { meta, check };
