/**
 * The HTTPS server: Fastify over TLS that asks for (but does not require) a client certificate, the
 * handler chain, the API routes, discovery, OpenAPI and health; and a graceful shutdown that turns
 * /readyz false, ends watches, finishes requests in flight and closes storage.
 */
import type { SecureContextOptions } from 'node:tls';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { installDiscoveryRoutes } from '../endpoints/discovery/index.js';
import { WatchRegistry } from '../endpoints/handlers/watch-registry.js';
import { installResources } from '../endpoints/installer.js';
import { installBodyParsers } from '../endpoints/negotiation/body.js';
import { MAX_REQUEST_BODY_BYTES } from '../endpoints/negotiation/media-types.js';
import { installOpenAPIRoutes } from '../endpoints/openapi/index.js';
import { decorateRequestContext } from '../endpoints/request/context.js';
import type { AdmissionChain } from '../admission/chain.js';
import { newAuditID } from '../audit/filter.js';
import type { ResourceDefinition } from '../registry/definitions/types.js';
import type { Storage } from '../storage/interfaces.js';
import { buildHandlerChain, type ChainConfig } from './chain.js';
import { type ConnectionOptions, installConnectionLimits } from './connections.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler, refuseUnknownMethods } from './error-handler.js';
import { type HealthCheck, installHealth } from './health.js';

/** Go's `http.DefaultMaxHeaderBytes`, which kube-apiserver keeps. */
const MAX_HEADER_BYTES = 1024 * 1024;
const MAX_HEADER_FIELDS = 16_384;

/** Fastify's schema compiler factories, for a server whose routes declare none: a schema is a mistake here. */
const noRouteSchemas = (): never => {
  throw new Error('a route declared a JSON schema: this server decodes and validates bodies itself');
};

export interface ServerConfig {
  bindAddress: string;
  securePort: number;
  /** Serving certificate and key, and the CAs whose client certificates the TLS layer asks for. */
  tls: SecureContextOptions;
  definitions: ResourceDefinition[];
  storage: Storage;
  chain: ChainConfig;
  /** Pino logger options, or false. */
  logger: boolean | Record<string, unknown>;
  /** Idle and first-request timeouts; defaults to kube-apiserver's (tests shorten them). */
  connections?: ConnectionOptions;
  /** Admission plugins every write passes; none by default. */
  admission?: AdmissionChain;
  /** Readiness checks of start-up's making (the kube-apiserver that reviews requests). */
  readyChecks?: HealthCheck[];
}

export class APIServer {
  readonly app: FastifyInstance;
  /** The API definitions served. */
  readonly definitions: ResourceDefinition[];
  private readonly watches = new WatchRegistry();
  private ready = false;
  private shuttingDown = false;
  private closed = false;
  private readonly shutdownHooks: (() => void)[] = [];

  constructor(private readonly config: ServerConfig) {
    this.definitions = config.definitions;
    // Typed as the HTTP/1 instance the stages are written against: every raw call they make (headers,
    // rawHeaders, socket, writeHead, write, end, close and drain events) exists on both protocols' objects.
    this.app = Fastify({
      // HTTP/2 for kubectl and kube-apiserver's proxy, HTTP/1.1 for everything else (probes, curl).
      http2: true,
      https: {
        ...config.tls,
        allowHTTP1: true,
        // Nagle off, as Go's net package (kube-apiserver) and Node's HTTP/1 server have it by default and Node's
        // HTTP/2 server, whose HTTP/1.1 fallback serves probes, curl and many clients' watches, does not: a small
        // write (a watch event) otherwise may wait for the peer's delayed ACK.
        noDelay: true,
        requestCert: true,
        rejectUnauthorized: false,
        // The aggregator sends one X-Remote-Group header per group: a user in hundreds of groups must fit, as
        // in Go's server (1 MB of headers); Node's default of 128 header fields resets such a stream.
        maxHeaderListPairs: MAX_HEADER_FIELDS,
        settings: { maxHeaderListSize: MAX_HEADER_BYTES },
      },
      bodyLimit: MAX_REQUEST_BODY_BYTES,
      logger: config.logger,
      // The request's id is its audit ID, and the request logger names it so: a log line leads to the audit log.
      genReqId: newAuditID,
      // Fastify's own per-request lines cost more than the request; the audit log is the record of requests,
      // and httplog writes the slow ones (every one at debug level).
      logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'auditID' }),
      // Kubernetes paths are case-sensitive and never carry trailing-slash aliases.
      // Names of any length reach the handlers, which answer as kube-apiserver does (404, 422), not 414.
      routerOptions: { ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: MAX_HEADER_BYTES },
      frameworkErrors: frameworkErrors as never,
      clientErrorHandler: clientErrorHandler as never,
      return503OnClosing: true,
      forceCloseConnections: 'idle',
      // No route declares a JSON schema (bodies are decoded and validated as the API's definitions say), so
      // Fastify's schema compilers (Ajv, fast-json-stringify: 5 MiB of an idle server) are never loaded.
      schemaController: { compilersFactory: { buildValidator: noRouteSchemas, buildSerializer: noRouteSchemas } },
    }) as unknown as FastifyInstance;
    // HTTP/1.1 requests come through the HTTP/2 server's fallback, whose parser reads this property.
    (this.app.server as unknown as { maxHeaderSize: number }).maxHeaderSize = MAX_HEADER_BYTES;
    refuseUnknownMethods(this.app.server);
    decorateRequestContext(this.app);
    installErrorHandler(this.app);
    installBodyParsers(this.app);
    installConnectionLimits(this.app, config.connections);
    buildHandlerChain(this.app, config.chain);
    // A store that failed a write stays failed, and only a restart (which the kubelet does on a failing
    // liveness probe) recovers it: such a store is in /livez too.
    const storage = config.storage.healthCheckName;
    const storageHealthy = (): boolean => this.ready && config.storage.health() === undefined;
    installHealth(this.app, {
      live: [
        { name: 'ping', check: () => true },
        ...(config.storage.restartHeals ? [{ name: storage, check: () => !this.ready || storageHealthy() }] : []),
      ],
      ready: [
        { name: 'ping', check: () => true },
        { name: storage, check: storageHealthy },
        ...(config.readyChecks ?? []),
        { name: 'shutdown', check: () => !this.shuttingDown },
      ],
    });
    const defs = (): ResourceDefinition[] => config.definitions;
    installDiscoveryRoutes(this.app, defs);
    installOpenAPIRoutes(this.app, defs);
    installResources(this.app, config.definitions, config.storage, this.watches, config.admission);
  }

  /** Opens storage, then listens; /readyz turns true only once storage is open. */
  async start(): Promise<string> {
    await this.config.storage.open();
    const address = await this.app.listen({ host: this.config.bindAddress, port: this.config.securePort });
    this.ready = true;
    return address;
  }

  /** The port actually bound (useful with --secure-port=0 in tests). */
  port(): number {
    const addr = this.app.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  /** Runs `fn` when the server shuts down (watchers, timers of start-up's making). */
  onShutdown(fn: () => void): void {
    this.shutdownHooks.push(fn);
  }

  /** Turns /readyz false while still serving, so endpoints stop sending new traffic. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shuttingDown = true;
    this.watches.endAll();
    for (const fn of this.shutdownHooks) fn();
    await this.app.close();
    await this.config.storage.close();
  }
}
