// security/code-injection: request input is evaluated as JavaScript.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/code-injection",
  area: "security",
  severity: "critical",
  title: "Request input evaluated as code",
  rationale:
    "Finds `eval`, `new Function`, `vm.runInContext`/`runInNewContext`/`Script` and `notevil` evaluating request " +
    "input, including input handed to a program through the vm sandbox. `vm` is not a security boundary and " +
    "sandboxing libraries have had escapes: evaluated input can read the file system, environment and secrets, or " +
    "block the event loop. Evaluated values of unknown origin (for example data read back from the database) are " +
    "asked about; code built only from constants is not reported.",
  examples: {
    bad: `const total = vm.runInNewContext("eval(expr)", { expr: req.body.formula });`,
    good: `const total = evaluateFormula(parseFormula(req.body.formula)); // a parser for the allowed grammar`,
  },
  references: [
    refs.cwe(94, "Improper Control of Generation of Code ('Code Injection')"),
    refs.asvs("1.3.2", "The application avoids eval() and other dynamic code execution with user input"),
    refs.top10(2021, 3, "Injection"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["code"]), model, ctx, {
    sinkLabel: "evaluated here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} is evaluated as code by ${api} at ${where}.`,
    unknownMessage: (where, api) => `${api} at ${where} evaluates a value bka could not trace.`,
    question: (where) => `Can a client influence the code evaluated at ${where}?`,
    remediation: "Do not evaluate input: parse it with a grammar for what is allowed (JSON.parse, a math-expression parser) and interpret the result.",
  });
}

export const rule: Rule = { meta, check };
