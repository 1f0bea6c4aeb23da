/** Runs the machine's real kubectl against a test server, with a private discovery cache. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  private readonly cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));

  constructor(private readonly kubeconfig: string) {}

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args];
  }

  /** Runs kubectl; resolves with its exit code and output (never rejects on a non-zero exit). */
  run(args: string[], stdin?: string): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile('kubectl', this.args(args), { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  }

  /** Runs kubectl and fails with its stderr unless it exits 0. */
  async ok(args: string[], stdin?: string): Promise<string> {
    const r = await this.run(args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /** A long-running kubectl (e.g. `get -w`); the caller kills it. */
  spawn(args: string[]): ChildProcess {
    return spawn('kubectl', this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  }
}

/**
 * Collects a long-running child's output from the start, so a line printed before anyone waits for it is
 * not lost; `waitFor` looks at everything after the previous match.
 */
export class OutputWatcher {
  private out = '';
  private err = '';
  private consumed = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.out += chunk.toString();
      for (const l of this.listeners) l();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.err += chunk.toString();
    });
  }

  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = pattern.exec(this.out.slice(this.consumed));
        if (!m) return false;
        this.consumed += m.index + m[0].length;
        return true;
      };
      if (check()) {
        resolve(this.out);
        return;
      }
      const listener = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(this.out);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out waiting for ${pattern}; output so far:\n${this.out}\nstderr:\n${this.err}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}
