// The installed entry point, run as a real process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/bka.js", import.meta.url));
const packageVersion = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;

function bka(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

test("bka --help", () => {
  const result = bka("--help");
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: bka/);
  assert.match(result.stdout, /review \[options\] \[path\]/);
});

test("bka --version", () => {
  const result = bka("--version");
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `${packageVersion}\n`);
});

test("bka review /nonexistent exits 2 naming the path, without a stack", () => {
  const result = bka("review", "/nonexistent");
  assert.equal(result.status, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^bka: .*\/nonexistent/);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
});
