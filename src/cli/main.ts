// The `bka` command. Deliberately thin: parse options, call review(), pick an emitter, map
// errors to exit codes. `run()` takes its streams and review function as arguments so tests can
// drive it without a process or a working pipeline.
import { existsSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { ReviewOptions, ReviewResult } from "../index.ts";
import { BANDS, type Band, type Finding } from "../model/finding.ts";
import { BadInputError } from "../ingest/workspace/types.ts";
import { bandRank, packageVersion } from "../emit/common.ts";
import { toHtml } from "../emit/html.ts";
import { toJson } from "../emit/json.ts";
import { toMarkdown } from "../emit/markdown.ts";
import { toOpenApiYaml } from "../emit/openapi.ts";
import { toSarifText } from "../emit/sarif.ts";
import { shouldUseColor, toTerminal } from "../emit/terminal.ts";
import { writeOutputs } from "../emit/index.ts";
import { writeFixMigration } from "../emit/fix-migration.ts";
import { EXIT } from "./exit-codes.ts";
import { createProgress } from "./progress.ts";
import { addCheckCommand } from "./check.ts";
import { addInitCommand } from "./init.ts";
import { addDesignCommand } from "./design.ts";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export type ReviewFn = (path: string, options: ReviewOptions) => Promise<ReviewResult>;

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  reviewImpl: ReviewFn;
}

export const FORMATS = ["text", "json", "md", "sarif", "html"] as const;
type Format = (typeof FORMATS)[number];

interface ReviewCommandOptions {
  format: Format;
  out?: string;
  failOn?: Band;
  progress: boolean;
  verify: boolean;
  rows?: number;
  databaseUrl?: string;
  fixMigrations?: string;
  cache: boolean;
}

export const CACHE_HELP =
  "reuse the facts of files unchanged since the last run with --cache (kept in $BKA_CACHE_DIR, else ~/.cache/bka); linking and rules always run";

/** Runs bka with `argv` (the arguments after the program name) and returns the exit code. */
export async function run(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const cli: CliIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    reviewImpl: io.reviewImpl ?? defaultReview,
  };
  let exitCode: number = EXIT.ok;
  const program = buildProgram(cli, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, cli);
  }
}

/** Entry point for bin/bka.js. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // `bka openapi . | head` closes our stdout early: that is the reader's choice, not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
  });
  process.exitCode = await run(argv);
}

async function defaultReview(path: string, options: ReviewOptions): Promise<ReviewResult> {
  // Loaded on demand so --help and --version do not load parsers.
  const { review } = await import("../index.ts");
  return review(path, options);
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command("bka")
    .description("Backend Architect: reviews a Node.js/TypeScript backend and shows the evidence for every claim.")
    .version(packageVersion(), "-V, --version", "print bka's version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`bka: ${text.replace(/^error: /, "")}`),
    })
    .showHelpAfterError("(run bka --help for usage)");

  program
    .command("review")
    .description("review a project and report findings by confidence band")
    .argument("[path]", "folder to review", ".")
    .addOption(new Option("--format <format>", "what to print on stdout").choices(FORMATS).default("text"))
    .option("--out <dir>", "write report.md, report.html, model.json, findings.sarif, openapi.yaml, er.mmd, architecture.mmd and schema.sql to this folder")
    .addOption(
      new Option("--fail-on <band>", "exit 1 when a finding is in this band or a more certain one (act > decide > ask)").choices(BANDS),
    )
    .option("--no-progress", "do not draw a progress bar")
    .option("--no-verify", "do not measure claims on the embedded PostgreSQL (faster; migration findings then say what is expected, not measured)")
    .option("--rows <n>", "synthetic rows per queried table when proving index advice (default 200000)", positiveInteger)
    .option("--database-url <url>", "prove index advice on this PostgreSQL server instead, in a throwaway schema that is dropped afterwards")
    .option("--fix-migrations <dir>", "write the act-band database fixes as a new migration file in this folder (never over an existing file)")
    .option("--cache", CACHE_HELP, false)
    .action(async (path: string, options: ReviewCommandOptions) => {
      setExitCode(await reviewCommand(path, options, io));
    });

  program
    .command("openapi")
    .description("print the OpenAPI 3.1 spec recovered from a project's routes (YAML)")
    .argument("[path]", "folder to read", ".")
    .option("--no-progress", "do not draw a progress bar")
    .option("--cache", CACHE_HELP, false)
    .action(async (path: string, options: { progress: boolean; cache: boolean }) => {
      // The spec needs no measured findings: no embedded database is started.
      const { model } = await reviewWithProgress(path, options.progress, io, false, options.cache ? { cache: true } : {});
      io.stdout.write(toOpenApiYaml(model));
      setExitCode(EXIT.ok);
    });

  addCheckCommand(program, { ...io, review: (path, progress, cache) => reviewWithProgress(path, progress, io, true, cache ? { cache: true } : {}) }, setExitCode);

  program
    .command("mcp")
    .description("serve bka's tools to AI assistants over stdio (Model Context Protocol)")
    .option("--root <dir>", "a folder the tools may read (repeatable; default: the current folder)", collect, [])
    .action(async (options: { root: string[] }) => {
      // Loaded on demand: the MCP SDK is only needed by this command.
      const { serveStdio } = await import("../mcp/server.ts");
      await serveStdio(options.root.length ? options.root : [process.cwd()]);
      setExitCode(EXIT.ok);
    });

  addInitCommand(program, io, setExitCode);
  addDesignCommand(program, io, setExitCode);

  return program;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of rows, at least 1.");
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function reviewCommand(path: string, options: ReviewCommandOptions, io: CliIo): Promise<number> {
  const extra = {
    ...(options.rows ? { rows: options.rows } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.cache ? { cache: true } : {}),
  };
  const { model, findings } = await reviewWithProgress(path, options.progress, io, options.verify, extra);
  if (options.out) {
    const written = writeOutputs(options.out, model, findings);
    // Keep stdout pure for machine formats; the note goes to stderr then.
    const note = `Wrote ${written.join(", ")} to ${options.out}\n`;
    (options.format === "text" ? io.stdout : io.stderr).write(note);
  }
  if (options.fixMigrations) writeFixes(model, findings, options, io);
  io.stdout.write(render(options.format, model, findings, io, !options.out));
  return options.failOn && failOnReached(findings, options.failOn) ? EXIT.failOnReached : EXIT.ok;
}

function writeFixes(model: ReviewResult["model"], findings: Finding[], options: ReviewCommandOptions, io: CliIo): void {
  const dir = options.fixMigrations!;
  const written = writeFixMigration(model, findings, dir);
  const note = written
    ? `Wrote ${written.path} (${written.statements} statement${written.statements === 1 ? "" : "s"})\n`
    : `No act-band database fix to write to ${dir}\n`;
  (options.format === "text" ? io.stdout : io.stderr).write(note);
}

async function reviewWithProgress(
  path: string, progressWanted: boolean, io: CliIo, verify = true, extra: Pick<ReviewOptions, "rows" | "databaseUrl" | "cache"> = {},
): Promise<ReviewResult> {
  // Checked here as well as in ingest so the message names the path exactly as the user typed it.
  if (!existsSync(path)) throw new BadInputError(`no such file or directory: ${path}`, path);
  const progress = createProgress({ stream: io.stderr as NodeJS.WritableStream & Output, enabled: progressWanted });
  try {
    return await io.reviewImpl(path, { onProgress: progress.onProgress, ...(verify ? {} : { verify: false }), ...extra });
  } finally {
    progress.stop();
  }
}

function render(format: Format, model: ReviewResult["model"], findings: Finding[], io: CliIo, hint: boolean): string {
  switch (format) {
    case "json":
      return toJson(model, findings);
    case "md":
      return toMarkdown(model, findings);
    case "sarif":
      return toSarifText(findings, model, packageVersion());
    case "html":
      return toHtml(model, findings);
    case "text":
      return toTerminal(model, findings, { color: shouldUseColor(io.stdout, io.env), hint });
  }
}

/** True when some finding is in `band` or a more certain band ("act" is the most certain). */
export function failOnReached(findings: readonly Finding[], band: Band): boolean {
  return findings.some((f) => bandRank(f.band) <= bandRank(band));
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0; commander already printed.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
    return EXIT.badInput;
  }
  if (isBadInput(error)) {
    io.stderr.write(`bka: ${error.message}\n`);
    return EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(
    `bka: internal error: ${message.split("\n")[0]}. This is a bug in bka; please report it with the command you ran` +
      ` (set BKA_DEBUG=1 for details).\n`,
  );
  if (io.env.BKA_DEBUG === "1" && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.internalError;
}

function isBadInput(error: unknown): error is Error {
  // By name as well: a second copy of the library (e.g. linked) has its own class object.
  return error instanceof BadInputError || (error instanceof Error && error.name === "BadInputError");
}
