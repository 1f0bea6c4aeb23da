/**
 * How long the machine's disk takes to make a small write durable, sampled while a round of writes runs.
 * Every subject answers a write only once it is synced (LevelDB's log, etcd's WAL), and sends its watch event
 * after that: one slow fdatasync holds up every write queued behind it, and every watcher's copy of their
 * events. On the shared disk here single fdatasyncs of 100-900 ms were measured, also with no server
 * running, so a write round's figures say as much about the disk as about the server: the report prints the
 * two side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from './cannon.js';

/** Often enough to land in every stall longer than the interval, rarely enough to add little disk work. */
const INTERVAL_MS = 50;
const RECORD = Buffer.alloc(512, 'x');

interface SyncProbe {
  /** Stops sampling (again: the same answer); the slowest write-and-fdatasync seen, in ms (0 if none finished). */
  stop(): Promise<number>;
}

/** Appends 512 bytes and fdatasyncs them every INTERVAL_MS, one at a time, in a file of its own beside the subjects' data. */
async function startSyncProbe(): Promise<SyncProbe> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const file = await open(join(dir, 'probe'), 'a');
  let slowest = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      await file.write(RECORD);
      await file.datasync();
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
  })();
  let stopping: Promise<number> | undefined;
  const stop = async (): Promise<number> => {
    stopped = true;
    await loop;
    await file.close();
    rmSync(dir, { recursive: true, force: true });
    return slowest;
  };
  return { stop: () => (stopping ??= stop()) };
}

/** `measure` with the disk sampled beside it: its sample, with the slowest sync seen. */
export async function withSyncProbe<S extends Sample>(measure: () => Promise<S>): Promise<S> {
  const probe = await startSyncProbe();
  try {
    const sample = await measure();
    return { ...sample, syncMaxMs: await probe.stop() };
  } finally {
    await probe.stop();
  }
}
