/**
 * The audit log backend (`--audit-log-path`, `-maxsize`, `-maxbackup`, `-maxage`): JSON lines appended to a
 * file created with mode 0600 (events hold user names and, by level, whole objects), rotated by size into
 * timestamped backups, or written to standard output for `-`. A failed write is logged and counted, never
 * silent, and never fails the request.
 */
import { appendFileSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface LogBackendOptions {
  path: string;
  /** Megabytes before rotation; 0: never. */
  maxSizeMB: number;
  /** Rotated files kept; 0: all. */
  maxBackups: number;
  /** Days a rotated file is kept; 0: forever. */
  maxAgeDays: number;
}

export interface AuditBackend {
  write(event: object): void;
  /** Events that could not be written. */
  readonly errors: number;
}

export class LogBackend implements AuditBackend {
  errors = 0;
  private size = 0;

  constructor(
    private readonly opts: LogBackendOptions,
    private readonly log: (msg: string, err: unknown) => void,
  ) {
    if (opts.path !== '-') {
      mkdirSync(dirname(opts.path), { recursive: true });
      try {
        this.size = statSync(opts.path).size;
      } catch {
        this.size = 0;
      }
    }
  }

  write(event: object): void {
    const line = `${JSON.stringify(event)}\n`;
    if (this.opts.path === '-') {
      process.stdout.write(line);
      return;
    }
    try {
      if (this.opts.maxSizeMB > 0 && this.size + line.length > this.opts.maxSizeMB * 1024 * 1024) this.rotate();
      // Synchronous, so an event is on its way to disk before the response it describes completes.
      appendFileSync(this.opts.path, line, { mode: 0o600 });
      this.size += Buffer.byteLength(line);
    } catch (err) {
      this.errors++;
      this.log('audit event not written', err);
    }
  }

  private rotate(): void {
    const ext = extname(this.opts.path);
    const stem = basename(this.opts.path, ext);
    const stamp = new Date().toISOString().replace(/:/g, '-');
    renameSync(this.opts.path, join(dirname(this.opts.path), `${stem}-${stamp}${ext}`));
    this.size = 0;
    const backups = readdirSync(dirname(this.opts.path))
      .filter((f) => f.startsWith(`${stem}-`) && f.endsWith(ext))
      .sort()
      .reverse();
    const now = Date.now();
    backups.forEach((f, i) => {
      const full = join(dirname(this.opts.path), f);
      const tooMany = this.opts.maxBackups > 0 && i >= this.opts.maxBackups;
      const tooOld = this.opts.maxAgeDays > 0 && now - statSync(full).mtimeMs > this.opts.maxAgeDays * 86_400_000;
      if (tooMany || tooOld) unlinkSync(full);
    });
  }
}
