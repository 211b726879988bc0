// security/hardcoded-secret: a credential written into the source code.
import type { ArchitectureModel, SecretCandidate } from "../../model/types.ts";
import type { Fix, Option, Severity } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "security/hardcoded-secret",
  area: "security",
  severity: "high",
  title: "Secret written in the source code",
  rationale:
    "Finds credentials written as literals in the code: private keys, provider tokens (AWS, GitHub, Stripe...), " +
    "JWT signing secrets, passwords, API keys and connection strings with passwords, including literals used as a " +
    "fallback when an environment variable is missing. Everyone who can read the repository, its history, a build " +
    "artefact or a leaked copy holds the secret; with a JWT secret they can forge any user's token. A secret in git " +
    "history stays there after the line is deleted, so the fix is to rotate it and load it from the environment or " +
    "a secret store. Placeholders (\"changeme\") and values in test, fixture and example files are not reported.",
  examples: {
    bad: `export const config = {
  jwtSecret: "f3b9c1e07a6d4e28b5c7a91d0e4f6a2c",
};`,
    good: `const jwtSecret = process.env.JWT_SECRET;
if (!jwtSecret) throw new Error("JWT_SECRET must be set");
export const config = { jwtSecret };`,
  },
  references: [
    refs.cwe(798, "Use of Hard-coded Credentials"),
    refs.asvs("13.3.1", "A secrets management solution is used to create, store and control access to backend secrets"),
    refs.top10(2025, 7, "Authentication Failures"),
    refs.cheatSheet("Secrets_Management"),
  ],
};

/**
 * Confidence:
 * - a provider pattern (PEM private key, AWS key, GitHub/Stripe token) matched: the value is a credential;
 * - a secret-like name with a long, random-looking value: almost surely a real secret;
 * - a literal used as `process.env.X || "literal"`: real only where the variable is unset;
 * - a short, low-entropy value with a secret-like name: may be a dev default, so it is a question.
 */
const CONFIDENCE = { pattern: 95, strongValue: 90, randomValue: 85, envFallback: 75, weakValue: 60 } as const;
const STRONG = { entropy: 3.5, length: 16 } as const;
const RANDOM = { entropy: 3.0, length: 12 } as const;

/** Patterns that identify half a credential only (the AWS key id needs its secret key). */
const HIGH_NOT_CRITICAL_PATTERNS = new Set(["aws-access-key-id"]);

const messages = {
  pattern: (pattern: string, context: string, preview: string, length: number) =>
    `A ${pattern} is written in the code (${context}: "${preview}", ${length} characters).`,
  value: (context: string, preview: string, length: number, entropy: number) =>
    `${context} is set to a literal secret ("${preview}", ${length} characters, ${entropy.toFixed(1)} bits of entropy per character).`,
  envFallback: (context: string, preview: string) =>
    `${context} falls back to the literal "${preview}" when its environment variable is unset: the fallback ships in production if the variable is ever missing.`,
  weak: (context: string, preview: string, length: number) =>
    `${context} is set to the short literal "${preview}" (${length} characters).`,
  question: (context: string, where: string) =>
    `Is the value of ${context} at ${where} a real credential used anywhere outside local development? If it is a placeholder, mark it in the bka config; otherwise move it to the environment and rotate it.`,
};

const OPTIONS: Option[] = [
  {
    title: "Read it from an environment variable and fail at startup when it is missing",
    pros: ["No secret in the repository; works with every platform", "A missing value stops the deploy instead of weakening it"],
    cons: ["Environment variables leak into child processes and crash dumps", "Rotation needs a redeploy"],
  },
  {
    title: "Load it from a secret manager (Vault, AWS Secrets Manager, GCP Secret Manager, Doppler)",
    pros: ["Access control, audit log and rotation without redeploying"],
    cons: ["A dependency at startup and a client to configure", "Local development needs its own source of values"],
  },
];

const FALLBACK_OPTIONS: Option[] = [
  {
    title: "Remove the fallback and fail at startup when the variable is unset",
    pros: ["Production can never run with the literal"],
    cons: ["Local development needs the variable set (.env file, not committed)"],
  },
  {
    title: "Keep a fallback only outside production (NODE_ENV check) with a clearly fake value",
    pros: ["Zero-setup local runs"],
    cons: ["Relies on NODE_ENV being set correctly in production", "The fake value must never be a real one"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const secret of model.secrets) {
    if (secret.likelyPlaceholder) continue;
    report(model, ctx, secret);
  }
}

interface Verdict {
  confidence: number;
  severity: Severity;
  message: string;
  options: Option[];
}

function judge(secret: SecretCandidate): Verdict {
  const { context, preview, length, entropy, pattern } = secret;
  if (pattern) {
    const severity: Severity = HIGH_NOT_CRITICAL_PATTERNS.has(pattern) ? "high" : "critical";
    return { confidence: CONFIDENCE.pattern, severity, message: messages.pattern(pattern, context, preview, length), options: OPTIONS };
  }
  if (secret.envFallback) {
    return { confidence: CONFIDENCE.envFallback, severity: "high", message: messages.envFallback(context, preview), options: FALLBACK_OPTIONS };
  }
  if (entropy >= STRONG.entropy && length >= STRONG.length) {
    return { confidence: CONFIDENCE.strongValue, severity: "high", message: messages.value(context, preview, length, entropy), options: OPTIONS };
  }
  if (entropy >= RANDOM.entropy && length >= RANDOM.length) {
    return { confidence: CONFIDENCE.randomValue, severity: "high", message: messages.value(context, preview, length, entropy), options: OPTIONS };
  }
  return { confidence: CONFIDENCE.weakValue, severity: "medium", message: messages.weak(context, preview, length), options: OPTIONS };
}

function report(model: ArchitectureModel, ctx: RuleContext, secret: SecretCandidate): void {
  const verdict = judge(secret);
  const where = describeLocation(secret.location);
  ctx.report({
    confidence: verdict.confidence,
    severity: verdict.severity,
    message: verdict.message,
    location: secret.location,
    subject: `${secret.kind} ${secret.context}`,
    evidence: [ctx.codeEvidence(secret.location, `${secret.kind} literal (${secret.preview})`)],
    remediation: {
      summary: secret.envFallback
        ? `Remove the literal fallback of ${secret.context} and require the environment variable.`
        : `Move ${secret.context} out of the code (environment or secret manager) and rotate it: the value stays in git history.`,
      options: verdict.options,
      ...(secret.envFallback ? {} : { fix: envFix(secret) }),
    },
    ...questionIfAsk(model, verdict.confidence, messages.question(secret.context, where)),
  });
}

/** The literal replaced by an environment variable named after what it is assigned to. */
function envFix(secret: SecretCandidate): Fix {
  const name = envVariableName(secret.context);
  const description = `Replace the literal with ${name ? `process.env.${name}` : "an environment variable"}, fail at startup when it is unset, and rotate the exposed value.`;
  return name ? { description, location: secret.location, replacement: `process.env.${name}` } : { description, location: secret.location };
}

/** "config.jwtSecret" → "JWT_SECRET"; "PRIVATE_KEY" stays; anything that is not a plain name → undefined. */
export function envVariableName(context: string): string | undefined {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(context)) return undefined;
  const last = context.split(".").pop() ?? context;
  return last.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/^\$+/, "").toUpperCase();
}

export const rule: Rule = { meta, check };
