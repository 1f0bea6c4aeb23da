/**
 * How long the machine's disk takes to make a small write durable, sampled while a round of writes runs.
 * Every subject answers a write only once it is synced (LevelDB's log, etcd's WAL), and sends its watch event
 * after that: one slow fdatasync holds up every write queued behind it, and every watcher's copy of their
 * events. On the shared disk here single fdatasyncs took up to 900 ms under the bench, and up to 220 ms with
 * no server running, so a write round's figures can say as much about the disk as about the server: the
 * report prints the two side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from './cannon.js';

/** Often enough to land in every stall longer than the interval, rarely enough to add little disk work. */
const INTERVAL_MS = 50;
const RECORD = Buffer.alloc(512, 'x');

/**
 * `measure` with the disk sampled beside it: 512 bytes appended and fdatasynced every INTERVAL_MS, one at a
 * time, in a file of its own beside the subjects' data. Its sample, with the slowest write-and-sync seen.
 */
export async function withSyncProbe<S extends Sample>(measure: () => Promise<S>): Promise<S> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const file = await open(join(dir, 'probe'), 'a');
  let slowest = 0;
  let stopped = false;
  const probe = (async () => {
    while (!stopped) {
      const started = performance.now();
      await file.write(RECORD);
      await file.datasync();
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
  })();
  let sample: S;
  try {
    sample = await measure();
  } finally {
    stopped = true;
    await probe;
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...sample, syncMaxMs: slowest };
}
