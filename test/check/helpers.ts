// Shared by the check tests: a private copy of an example (tests never write into examples/),
// and bka's CLI run in-process with captured output.
import { after } from "node:test";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/main.ts";

const examples = new URL("../../examples/", import.meta.url);

/** A fresh copy of examples/<name> in a temp folder, removed when the test file ends. */
export function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bka-check-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, name);
  cpSync(new URL(name, examples), copy, { recursive: true });
  return copy;
}

export function tempDir(prefix = "bka-check-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function bka(...argv: string[]): Promise<CliRun> {
  const stdout = { text: "", write: (chunk: string) => ((stdout.text += chunk), true) };
  const stderr = { text: "", write: (chunk: string) => ((stderr.text += chunk), true) };
  const code = await run(argv, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Inserts `text` as new line(s) before 1-based `line` of a file. */
export function insertBefore(file: string, line: number, text: string): void {
  const lines = readFileSync(file, "utf8").split("\n");
  lines.splice(line - 1, 0, text);
  writeFileSync(file, lines.join("\n"));
}

export function append(file: string, text: string): void {
  appendFileSync(file, text);
}

/** The 1-based number of the first line containing `text`. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(text));
  if (index === -1) throw new Error(`${text} not in ${file}`);
  return index + 1;
}
