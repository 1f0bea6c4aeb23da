/**
 * Connection hygiene, as kube-apiserver's Go server has it, so that connections cannot exhaust the process:
 * - a connection with no request in flight is closed after 90 s (`IdleTimeout`), and one that sends no
 *   request at all after 32 s (as `ReadHeaderTimeout` bounds a request that never comes);
 * - a connection whose request was not authenticated (anonymous, or answered 401) is closed once answered,
 *   as upstream's `UnauthenticatedHTTP2DOSMitigation` does for HTTP/2; here for HTTP/1.1 too;
 * - connections beyond what the file-descriptor limit leaves room for are refused at accept, so the process
 *   never meets EMFILE (Node's `process.memoryUsage`, LevelDB and the audit log all need descriptors; the
 *   load-shedding sampler crashed the process on EMFILE). Node itself raises the soft limit to the hard one.
 * - at shutdown, every HTTP/2 session gets GOAWAY (its open streams finish; no new one starts) and every idle
 *   connection is closed, as Go's `Server.Shutdown` does: a proxy's pooled HTTP/2 session (the aggregator's)
 *   would otherwise hold the process until the idle timeout, past the pod's termination grace period.
 */
import { readFileSync } from 'node:fs';
import type { ServerHttp2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestSlot, userFrom } from '../endpoints/request/context.js';

export interface ConnectionOptions {
  idleTimeoutMs: number;
  firstRequestTimeoutMs: number;
  /** Descriptors kept free of connections: LevelDB's table cache (256), files, clients to kube-apiserver. */
  reservedFileDescriptors: number;
}

export const DEFAULT_CONNECTIONS: ConnectionOptions = {
  idleTimeoutMs: 90_000,
  firstRequestTimeoutMs: 32_000,
  reservedFileDescriptors: 512,
};

const ANONYMOUS = 'system:anonymous';

interface ConnectionState {
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
  /** Set by the first HTTP/2 request: closing it sends GOAWAY rather than cutting the socket. */
  session?: ServerHttp2Session;
  close(): void;
}

const stateKey = Symbol('connectionState');
/** The connection a request came on, for its response to count it finished. */
const inFlight = requestSlot<ConnectionState>();
type Tracked = TLSSocket & { [stateKey]?: ConnectionState };

/** The soft limit on open files, from /proc (Linux); undefined where it cannot be read. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

export function installConnectionLimits(app: FastifyInstance, opts: ConnectionOptions = DEFAULT_CONNECTIONS): void {
  const server = app.server;
  const limit = openFilesLimit();
  if (limit !== undefined) server.maxConnections = Math.max(64, limit - opts.reservedFileDescriptors);
  let dropped = 0;
  let lastReport = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastReport < 10_000) return;
    lastReport = now;
    app.log.warn({ dropped, maxConnections: server.maxConnections }, 'refusing connections: too many open (file-descriptor limit)');
    dropped = 0;
  });

  const open = new Set<ConnectionState>();
  app.addHook('preClose', async () => {
    for (const state of open) if (state.session || state.inFlight === 0) state.close();
  });

  const arm = (state: ConnectionState, ms: number): void => {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      if (state.inFlight === 0) state.close();
    }, ms);
    state.timer.unref();
  };

  server.on('secureConnection', (socket: Tracked) => {
    const state: ConnectionState = {
      inFlight: 0,
      timer: undefined,
      close: () => {
        if (state.session && !state.session.closed) state.session.close();
        else socket.destroy();
      },
    };
    socket[stateKey] = state;
    open.add(state);
    arm(state, opts.firstRequestTimeoutMs);
    socket.once('close', () => {
      clearTimeout(state.timer);
      open.delete(state);
    });
  });

  const unauthenticated = (req: FastifyRequest): boolean => {
    const user = userFrom(req);
    return user === undefined || user.name === ANONYMOUS;
  };

  app.addHook('onRequest', async (req) => {
    // The TLS socket itself for HTTP/1.1; for HTTP/2, Node's proxy of the session's socket forwards reads to it.
    const socket = req.raw.socket as Tracked;
    const state = socket[stateKey];
    if (!state) return;
    const h2 = (req.raw as { stream?: { session?: ServerHttp2Session } }).stream?.session;
    if (h2) state.session = h2;
    state.inFlight++;
    clearTimeout(state.timer);
    inFlight.set(req, state);
  });

  // Fastify calls onResponse once the response is written or the client has gone, watch streams included.
  app.addHook('onResponse', async (req) => {
    const state = inFlight.get(req);
    if (!state) return;
    state.inFlight--;
    if (unauthenticated(req) && state.session) {
      // HTTP/2: GOAWAY once this stream is done (HTTP/1.1 was told `Connection: close` below).
      if (!state.session.closed) state.session.close();
      return;
    }
    if (state.inFlight === 0) arm(state, opts.idleTimeoutMs);
  });

  app.addHook('onSend', async (req, reply) => {
    if (req.raw.httpVersionMajor === 1 && unauthenticated(req)) reply.header('Connection', 'close');
  });
}
