/**
 * Long-running processes of the end-to-end suite (etcd, kube-apiserver, our server): output kept in a log
 * file whose tail every failure quotes, and never left behind when the test worker exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ManagedProcess {
  private exited: Promise<number | null>;
  private exitCode: number | string | null | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    running.add(child);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        running.delete(child);
        this.exitCode = code ?? signal ?? null;
        resolve(code);
      });
    });
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines of the process's output, for error messages. */
  tail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no output)';
    }
  }

  /** The exit code (or signal) once the process has exited; rejects if it still runs after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<number | string | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} still running after ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs);
    });
    try {
      await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
    return this.exitCode ?? null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function startProcess(
  name: string,
  file: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(file, args, { stdio: ['ignore', out, out], env });
  return new ManagedProcess(name, child, logFile);
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Thrown by a check of `eventually` when waiting longer cannot help (the process it waits for has exited). */
export class GaveUp extends Error {}

/**
 * Calls `check` until it returns a value other than undefined, or throws after `timeoutMs` with the last
 * error and what `describe` says (a process's log tail, an object's status).
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; describe?: () => string | Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline || last instanceof GaveUp) {
      const detail = opts.describe ? await opts.describe() : '';
      throw new Error(
        `${last instanceof GaveUp ? 'gave up' : 'timed out'} waiting for ${what}${last ? `; last error: ${last instanceof Error ? last.message : String(last)}` : ''}${detail ? `\n${detail}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}
