// security/weak-password-hash: passwords stored as a fast digest (md5, sha1, sha256 …).
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, refs, uniqueLocations } from "../support.ts";
import { sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/weak-password-hash",
  area: "security",
  severity: "high",
  title: "Password hashed with a fast digest",
  rationale:
    "Finds `crypto.createHash(\"md5\" | \"sha1\" | \"sha256\" …)` applied to a value named like a password, directly " +
    "or through a helper whose callers pass one. Fast digests are built to be computed billions of times a second on " +
    "a GPU, and unsalted ones fall to precomputed tables: a leaked table of them gives away most passwords within " +
    "hours. Password storage needs a deliberately slow, salted key-derivation function: argon2id, scrypt, bcrypt, or " +
    "PBKDF2 with a high iteration count. When a hashing helper's result is stored under a password name (an ORM " +
    "model setter, `user.password = hash(pw)`), the finding points at that call, with the helper's digest as evidence.",
  examples: {
    bad: `const hash = (value) => crypto.createHash("md5").update(value).digest("hex");
user.passwordHash = hash(req.body.password);`,
    good: `import argon2 from "argon2";
user.passwordHash = await argon2.hash(req.body.password);`,
  },
  references: [
    refs.cwe(916, "Use of Password Hash With Insufficient Computational Effort"),
    refs.asvs("11.4.2", "Passwords are stored using an approved, computationally intensive key derivation function"),
    refs.top10(2021, 2, "Cryptographic Failures"),
    refs.cheatSheet("Password_Storage"),
  ],
};

/** A fast digest fed a value named like a password is the claim itself; the name is the evidence. */
const CONFIDENCE = 95;

/**
 * One finding per digest. When a helper's result is stored under a password name (an ORM setter,
 * `user.password = hash(pw)`), the finding is placed at that call — where the password is stored —
 * with the helper's digest as evidence; otherwise at the digest.
 */
function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const sink of sinksOfKind(model, ["weak-password-hash"])) {
    const at = sink.storedAt ?? sink.location;
    const places = uniqueLocations((sink.via ?? []).filter((l) => !sameLine(l, sink.location) && !sameLine(l, at)));
    const where = describeLocation(sink.location);
    const stored = sameLine(at, sink.location) ? "" : `The password stored at ${describeLocation(at)} is hashed by ${sink.api} at ${where}`;
    const also = places.length ? ` (also passed from ${places.map(describeLocation).join(", ")})` : "";
    ctx.report({
      confidence: CONFIDENCE,
      message: stored
        ? `${stored}${also}: a fast, unsalted digest.`
        : places.length
          ? `${sink.api} at ${where} hashes passwords (passed from ${places.map(describeLocation).join(", ")}): a fast, unsalted digest.`
          : `${sink.api} at ${where} hashes a password: a fast, unsalted digest.`,
      location: at,
      subject: `${sink.id} ${sink.api}`,
      evidence: [
        ...(stored ? [ctx.codeEvidence(at, "password hashed and stored here")] : []),
        ...places.map((l) => ctx.codeEvidence(l, "password passed here")),
        ctx.codeEvidence(sink.location, stored ? "fast digest defined here" : "hashed here"),
      ],
      references: meta.references,
      remediation: { summary: "Hash passwords with argon2id (or scrypt / bcrypt) and a per-password salt; rehash existing hashes at the next successful login." },
    });
  }
}

const sameLine = (a: { file: string; line: number }, b: { file: string; line: number }) => a.file === b.file && a.line === b.line;

export const rule: Rule = { meta, check };
