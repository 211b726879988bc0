// bka.config.yaml / .json: validated, and every problem located at file:line:column with a hint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, parseConfigText } from "../../src/check/config.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { run } from "../../src/cli/main.ts";
import { bka, copyExample, tempDir } from "./helpers.ts";

function configError(file: string, text: string): string {
  try {
    parseConfigText(file, text);
  } catch (error) {
    assert.equal((error as Error).name, "BadInputError");
    return (error as Error).message;
  }
  assert.fail("expected a config error");
}

test("a valid YAML policy is read with its values", () => {
  const config = parseConfigText(
    "bka.config.yaml",
    [
      "policy:",
      "  security: { maxAct: 0 }            # no act-band security finding",
      "  api: { writeEndpointsAuthenticated: true }",
      "  database: { unindexedForeignKeys: 0 }",
      "  evidence: { minUnderstanding: 70 }",
      "  failOn: act",
      "baseline: .bka-baseline.json",
      "",
    ].join("\n"),
  );
  assert.deepEqual(config, {
    policy: {
      security: { maxAct: 0 },
      api: { writeEndpointsAuthenticated: true },
      database: { unindexedForeignKeys: 0 },
      evidence: { minUnderstanding: 70 },
      failOn: "act",
    },
    baseline: ".bka-baseline.json",
  });
});

test("an empty config file is the default policy", () => {
  assert.deepEqual(parseConfigText("bka.config.yaml", ""), {});
  assert.deepEqual(parseConfigText("bka.config.yaml", "# nothing yet\n"), {});
});

test("broken YAML is located", () => {
  assert.equal(
    configError("bka.config.yaml", "policy:\n  failOn: act\n  failOn: ask\n"),
    "bka.config.yaml:3:3: invalid YAML: Map keys must be unique\n  hint: each key may appear once per mapping; remove or merge the repeated one",
  );
  assert.match(configError("bka.config.yaml", "policy:\n  security: { maxAct: 0\n  failOn: act\n"), /^bka\.config\.yaml:3:3: invalid YAML: /);
  assert.match(configError("bka.config.yaml", "policy:\n\tfailOn: act\n"), /^bka\.config\.yaml:2:1: invalid YAML: .*\n  hint: YAML indentation must use spaces, not tabs/);
});

test("schema problems are located at the offending value or key, sorted, each with a hint", () => {
  const text = [
    "policy:", // 1
    "  failOn: acts", // 2
    "  security:", // 3
    "    maxAkt: 0", // 4
    "  evidence:", // 5
    '    minUnderstanding: "70"', // 6
    "  api:", // 7
    "    writeEndpointsAuthenticated: yes", // 8
    "baseline: 3", // 9
    "colour: red", // 10
  ].join("\n");
  assert.equal(
    configError("bka.config.yaml", text),
    [
      "bka.config.yaml:2:11: policy.failOn must be one of act, decide, ask, none",
      '  hint: did you mean "act"?',
      'bka.config.yaml:4:5: unknown key "maxAkt" in policy.security',
      '  hint: did you mean "maxAct"?',
      'bka.config.yaml:6:23: policy.evidence.minUnderstanding must be a number, not string "70"',
      "  hint: write the number without quotes",
      'bka.config.yaml:8:34: policy.api.writeEndpointsAuthenticated must be a boolean, not string "yes"',
      "  hint: write true or false without quotes",
      "bka.config.yaml:9:11: baseline must be a string, not number 3",
      'bka.config.yaml:10:1: unknown key "colour" in the top level',
      "  hint: known keys here: policy, baseline",
    ].join("\n"),
  );
});

test("numbers out of range and fractions are located", () => {
  assert.equal(
    configError("bka.config.yaml", "policy:\n  evidence:\n    minUnderstanding: 101\n"),
    "bka.config.yaml:3:23: policy.evidence.minUnderstanding: must be <=100",
  );
  assert.equal(
    configError("bka.config.yaml", "policy:\n  security:\n    maxAct: -1\n"),
    "bka.config.yaml:3:13: policy.security.maxAct: must be >=0",
  );
  assert.equal(
    configError("bka.config.yaml", "policy:\n  database: { unindexedForeignKeys: 1.5 }\n"),
    "bka.config.yaml:2:37: policy.database.unindexedForeignKeys must be a whole number, not number 1.5\n  hint: write a whole number without quotes, such as 0",
  );
});

test("a key with the wrong kind of value points at the value", () => {
  assert.equal(
    configError("bka.config.yaml", "policy: strict\n"),
    'bka.config.yaml:1:9: policy must be a mapping of keys to values, not string "strict"\n  hint: indent the keys under this one (or use { key: value })',
  );
  assert.equal(
    configError("bka.config.yaml", "- policy\n"),
    "bka.config.yaml:1:1: the file must be a mapping of keys to values, not a list\n  hint: indent the keys under this one (or use { key: value })",
  );
});

test("JSON configs: syntax errors in JSON's terms, schema errors located the same way", () => {
  assert.equal(
    configError("bka.config.json", '{\n  "policy": {\n    "failOn": "act",\n  }\n}\n'),
    "bka.config.json:4:3: invalid JSON: Expected double-quoted property name\n  hint: check for a missing or extra comma, quote or bracket here",
  );
  assert.equal(
    configError("bka.config.json", '{\n  "policy": {\n    "failOn": "everything"\n  }\n}\n'),
    'bka.config.json:3:15: policy.failOn must be one of act, decide, ask, none',
  );
  assert.equal(configError("bka.config.json", '{ "policy": '), "bka.config.json:1:13: invalid JSON: unexpected end of the file\n  hint: check for a missing or extra comma, quote or bracket here");
  assert.deepEqual(parseConfigText("bka.config.json", '{ "policy": { "failOn": "decide" } }'), { policy: { failOn: "decide" } });
});

test("config discovery: none is the default policy, two is ambiguous, --config must exist", () => {
  const dir = tempDir();
  assert.deepEqual(loadConfig(dir), { config: {}, baselinePath: join(dir, ".bka-baseline.json") });
  writeFileSync(join(dir, "bka.config.yaml"), "policy: { failOn: decide }\n");
  assert.equal(loadConfig(dir).file, join(dir, "bka.config.yaml"));
  writeFileSync(join(dir, "bka.config.json"), "{}");
  assert.throws(() => loadConfig(dir), { name: "BadInputError", message: `more than one bka config file: ${join(dir, "bka.config.yaml")}, ${join(dir, "bka.config.json")}; keep one` });
  assert.throws(() => loadConfig(dir, join(dir, "missing.yaml")), { name: "BadInputError", message: `config file not found: ${join(dir, "missing.yaml")}` });
});

test("bka check exits 2 on a broken config before reviewing, naming file:line:column", async () => {
  const shop = copyExample("express-shop");
  writeFileSync(join(shop, "bka.config.yaml"), "policy:\n  failOn: act\n  evidence: { minUnderstanding: high }\n");
  let reviewed = false;
  const stdout = { text: "", write: (chunk: string) => ((stdout.text += chunk), true) };
  const stderr = { text: "", write: (chunk: string) => ((stderr.text += chunk), true) };
  const code = await run(["check", shop, "--no-progress"], {
    stdout,
    stderr,
    env: {},
    reviewImpl: async () => {
      reviewed = true;
      throw new Error("must not review");
    },
  });
  const result = { code, stdout: stdout.text, stderr: stderr.text };
  assert.equal(reviewed, false);
  assert.equal(result.code, EXIT.badInput);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    `bka: ${join(shop, "bka.config.yaml")}:3:33: policy.evidence.minUnderstanding must be a number, not string "high"\n  hint: write the number without quotes\n`,
  );
  assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
});

test("--config reads a policy from elsewhere", async () => {
  const shop = copyExample("express-shop");
  const policy = join(tempDir(), "strict.yaml");
  writeFileSync(policy, "policy:\n  failOn: none\n");
  const result = await bka("check", shop, "--no-progress", "--config", policy);
  assert.equal(result.code, EXIT.ok, result.stdout);
  assert.ok(result.stdout.includes(`Policy: ${policy}\n`), result.stdout);
});

test("the policy example in the README is a valid config", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const example = /```yaml\n(# bka\.config\.yaml\n[\s\S]*?)```/.exec(readme);
  assert.ok(example, "README has a bka.config.yaml example");
  const config = parseConfigText("bka.config.yaml", example[1]);
  assert.equal(config.policy?.failOn, "act");
  assert.equal(config.policy?.api?.writeEndpointsAuthenticated, true);
});
