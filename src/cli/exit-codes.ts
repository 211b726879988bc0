// Process exit codes: CI scripts branch on these, so they never change meaning.
export const EXIT = {
  /** The run finished and no --fail-on threshold was reached. */
  ok: 0,
  /** A finding reached the --fail-on band. */
  failOnReached: 1,
  /** The input cannot be used: a missing path, a bad option, an unwritable --out folder. */
  badInput: 2,
  /** A bug in bka. */
  internalError: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
