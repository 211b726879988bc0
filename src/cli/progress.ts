// A progress bar for long runs. It draws on stderr only, so stdout stays clean for pipes, and
// only on a terminal and for enough files that a bar helps rather than flickers.
import cliProgress from "cli-progress";

/** Fewer files than this parse quickly enough that a bar would only flicker. */
export const MIN_FILES_FOR_BAR = 200;

export interface BarLike {
  start(total: number, value: number): void;
  update(value: number): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** False with --no-progress. */
  enabled: boolean;
  minFiles?: number;
  createBar?: (stream: NodeJS.WritableStream) => BarLike;
}

export interface Progress {
  onProgress(done: number, total: number): void;
  stop(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const active = options.enabled && options.stream.isTTY === true;
  const minFiles = options.minFiles ?? MIN_FILES_FOR_BAR;
  const createBar = options.createBar ?? defaultBar;
  let bar: BarLike | undefined;
  return {
    onProgress(done, total) {
      if (!active || total <= minFiles) return;
      if (!bar) {
        bar = createBar(options.stream);
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

function defaultBar(stream: NodeJS.WritableStream): BarLike {
  return new cliProgress.SingleBar(
    {
      stream,
      format: "bka: parsing {bar} {value}/{total} files",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
}
