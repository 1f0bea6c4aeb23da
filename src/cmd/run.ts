/**
 * Runs a started server until SIGTERM or SIGINT, then shuts it down gracefully: /readyz fails at once,
 * the server keeps serving for --shutdown-delay-duration so endpoints drop it, then watches end, requests
 * in flight finish, storage closes, and the process exits 0.
 */
import type { APIServer } from '../server/server.js';

export function runUntilSignalled(server: APIServer, shutdownDelaySeconds: number): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    server.beginShutdown();
    setTimeout(() => {
      server.shutdown().then(
        () => process.exit(0),
        (err: unknown) => {
          server.app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    }, shutdownDelaySeconds * 1000);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
