// `bka design requirements.yaml --out DIR`: requirements in, a verified design out. Thin: load,
// design, write, summarise.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { BadInputError } from "../ingest/workspace/types.ts";
import { EXIT } from "./exit-codes.ts";
import type { Output } from "./main.ts";

interface DesignCommandOptions {
  out: string;
  rows: number;
  verify: boolean;
}

export function addDesignCommand(program: Command, io: { stdout: Output; stderr: Output }, setExitCode: (code: number) => void): void {
  program
    .command("design")
    .description("design a schema, indexes and an API from a requirements file, and prove the indexes on the embedded PostgreSQL")
    .argument("<requirements>", "requirements file (YAML; schema in docs/requirements.schema.json)")
    .requiredOption("--out <dir>", "write design.md, schema.sql, openapi.yaml, SECURITY.md, CAPACITY.md, RELIABILITY.md, IMPLEMENTATION.md, architecture.mmd, er.mmd, adr/ and questions.md to this folder")
    .option("--rows <n>", "cap on synthetic rows per table for the verification", positiveInteger, 20_000)
    .option("--no-verify", "do not start the embedded PostgreSQL (design.md then has no plans)")
    .action(async (file: string, options: DesignCommandOptions) => {
      setExitCode(await designCommand(file, options, io));
    });
}

async function designCommand(file: string, options: DesignCommandOptions, io: { stdout: Output; stderr: Output }): Promise<number> {
  // Loaded on demand: only this command needs the designers.
  const [{ loadRequirements }, { design, renderDesign }] = await Promise.all([import("../ingest/requirements/load.ts"), import("../design/index.ts")]);
  const result = await design(loadRequirements(file), { verify: options.verify, rows: options.rows });
  const files = renderDesign(result);
  writeFiles(options.out, files);
  io.stdout.write(`Wrote ${Object.keys(files).join(", ")} to ${options.out}\n`);
  const unserved = result.verification?.plans.filter((p) => p.needsIndex && !p.index) ?? [];
  if (unserved.length) io.stderr.write(`bka: ${unserved.length} access pattern(s) use no index on PGlite: ${unserved.map((p) => p.pattern).join(", ")} (see design.md)\n`);
  return EXIT.ok;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new BadInputError(`output path is not a directory: ${dir}`, dir);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    } catch (error) {
      throw new BadInputError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
    }
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("give a whole number of rows, at least 1");
  return n;
}
