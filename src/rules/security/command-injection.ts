// security/command-injection: request input reaches a shell command.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/command-injection",
  area: "security",
  severity: "critical",
  title: "Shell command built from request input",
  rationale:
    "Finds `child_process.exec`/`execSync` calls (and `spawn`/`execFile` with `shell: true`) whose command line is " +
    "built from request input. The shell interprets `;`, `|`, `$()` and backticks, so any input that reaches the " +
    "command line can run arbitrary programs with the server's privileges. `execFile`/`spawn` without a shell pass " +
    "arguments as a list that the shell never parses. Commands built from values of unknown origin are asked about.",
  examples: {
    bad: `exec("convert " + req.query.file + " out.png", done);`,
    good: `execFile("convert", [path.basename(String(req.query.file)), "out.png"], done);`,
  },
  references: [
    refs.cwe(78, "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')"),
    refs.asvs("1.2.5", "The application protects against OS command injection"),
    refs.top10(2021, 3, "Injection"),
    refs.cheatSheet("OS_Command_Injection_Defense"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["command"]), model, ctx, {
    sinkLabel: "command run here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} reaches the shell command run by ${api} at ${where}.`,
    unknownMessage: (where, api) => `The shell command run by ${api} at ${where} is built from a value bka could not trace.`,
    question: (where) => `Can a client influence the command line run at ${where}?`,
    remediation: "Run the program with execFile/spawn and an argument array (no shell), and validate each argument against an allowlist.",
  });
}

export const rule: Rule = { meta, check };
