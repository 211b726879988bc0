// Drives the CLI with a review that only records the options it was given.
import { run } from "../../src/cli/main.ts";
import type { ReviewOptions, ReviewResult } from "../../src/index.ts";
import { emptyModel } from "../rules/model-builder.ts";

/** `bka <args>` runs, and `seen` holds each review's options, in order. */
export function recordingCli(): { seen: ReviewOptions[]; bka(args: string[]): Promise<number> } {
  const seen: ReviewOptions[] = [];
  const reviewImpl = async (_path: string, options: ReviewOptions): Promise<ReviewResult> => {
    seen.push(options);
    return { model: emptyModel(), findings: [] };
  };
  const sink = { write: () => true, isTTY: false };
  const io = { stdout: sink, stderr: sink, env: {}, reviewImpl } as unknown as Parameters<typeof run>[1];
  return { seen, bka: (args) => run(args, io) };
}
