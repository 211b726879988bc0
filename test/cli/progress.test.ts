import { test } from "node:test";
import assert from "node:assert/strict";
import { createProgress, MIN_FILES_FOR_BAR, type BarLike } from "../../src/cli/progress.ts";

function recorder() {
  const events: string[] = [];
  const createBar = (): BarLike => ({
    start: (total, value) => events.push(`start ${total} ${value}`),
    update: (value) => events.push(`update ${value}`),
    stop: () => events.push("stop"),
  });
  return { events, createBar };
}

function fakeStream(isTTY: boolean): NodeJS.WritableStream & { isTTY?: boolean } {
  return { isTTY, write: () => true } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
}

test("a bar is drawn on a TTY for a large project", () => {
  const { events, createBar } = recorder();
  const progress = createProgress({ stream: fakeStream(true), enabled: true, createBar });
  progress.onProgress(1, 500);
  progress.onProgress(500, 500);
  progress.stop();
  assert.deepEqual(events, ["start 500 0", "update 1", "update 500", "stop"]);
});

test("no bar for a small project, off a TTY, or with --no-progress", () => {
  for (const [isTTY, enabled, total] of [
    [true, true, MIN_FILES_FOR_BAR],
    [false, true, 5000],
    [true, false, 5000],
  ] as const) {
    const { events, createBar } = recorder();
    const progress = createProgress({ stream: fakeStream(isTTY), enabled, createBar });
    progress.onProgress(1, total);
    progress.stop();
    assert.deepEqual(events, [], `isTTY=${isTTY} enabled=${enabled} total=${total}`);
  }
});
