// Where bka keeps what it can reuse between runs: the PostgreSQL snapshot, index proofs, facts.
import { homedir } from "node:os";
import { join } from "node:path";

/** $BKA_CACHE_DIR, else $XDG_CACHE_HOME/bka or ~/.cache/bka. */
export function cacheDirectory(): string {
  return process.env.BKA_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bka");
}
