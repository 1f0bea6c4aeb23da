/**
 * A thin etcd v3 client on @grpc/grpc-js: the three KV calls and the Watch stream the backend needs, with a
 * deadline on every call (a request must never hang on a lost etcd) and failover across `--etcd-servers`.
 * Reads move to the next endpoint and retry when one is unreachable; writes never retry by themselves, since
 * a transaction that was applied but not answered must not be applied twice: the caller gets 'Unavailable'
 * and its client retries, as with kube-apiserver.
 */
import {
  type ChannelCredentials,
  type Client,
  credentials,
  type ClientDuplexStream,
  Metadata,
  status as GrpcStatus,
  type ServiceError,
} from '@grpc/grpc-js';
import { StorageError } from '../interfaces.js';
import { etcdServices } from './proto.js';

export interface EtcdClientOptions {
  /** Client URLs, `http://host:port` or `https://host:port`. */
  endpoints: string[];
  /** PEM for TLS to etcd: the CA that signed etcd's serving certificate, and the client's certificate and key. */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Deadline of each unary call (default 5 s). */
  callTimeoutMs?: number;
}

export interface KeyValue {
  key: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Buffer;
}

export interface ResponseHeader {
  revision: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface Compare {
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  key: Buffer;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
}

export type RequestOp =
  | { request_range: { key: Buffer; range_end?: Buffer } }
  | { request_put: { key: Buffer; value: Buffer } }
  | { request_delete_range: { key: Buffer } };

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: { response_range?: RangeResponse }[];
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
  prev_kv?: KeyValue | null;
}

export interface WatchResponse {
  header: ResponseHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  events: WatchEvent[];
}

/** What a Watch stream reports: every response, and its end (with the error, if it failed). */
export interface WatchHandlers {
  response(res: WatchResponse): void;
  end(err?: Error): void;
}

export interface WatchStream {
  /** Asks etcd for a progress notification: a response with no events whose revision all events up to have been sent. */
  requestProgress(): void;
  close(): void;
}

type Unary<Req, Res> = (req: Req, meta: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res: Res) => void) => void;

interface Endpoint {
  url: string;
  kv: Client & Record<string, Unary<unknown, unknown>>;
  watch: Client & { Watch: () => ClientDuplexStream<unknown, WatchResponse> };
}

/** The smallest key greater than every key starting with `prefix`: etcd's range_end for a prefix. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** etcd's answer for a revision older than its compaction point (`mvcc.ErrCompacted`). */
export function isCompacted(err: unknown): boolean {
  return (err as ServiceError)?.code === GrpcStatus.OUT_OF_RANGE || /required revision has been compacted/.test(String(err));
}

/** Unreachable, timed out, no leader: a call that may work on another endpoint or a moment later. */
function isTransient(err: ServiceError): boolean {
  return [GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED].includes(err.code);
}

export class EtcdClient {
  private readonly endpoints: Endpoint[];
  private current = 0;
  private readonly callTimeoutMs: number;

  constructor(options: EtcdClientOptions) {
    if (options.endpoints.length === 0) throw new Error('no etcd endpoints given');
    const { KV, Watch } = etcdServices();
    this.callTimeoutMs = options.callTimeoutMs ?? 5_000;
    this.endpoints = options.endpoints.map((url) => {
      const { target, creds } = channelOf(url, options);
      // Keepalive pings find a dead connection (a partitioned etcd) in seconds rather than at TCP's pace.
      const channelOptions = {
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
        'grpc.keepalive_permit_without_calls': 1,
      };
      return {
        url,
        kv: new KV(target, creds, channelOptions) as Endpoint['kv'],
        watch: new Watch(target, creds, channelOptions) as unknown as Endpoint['watch'],
      };
    });
  }

  /** The endpoint reads and watches go to now. */
  get endpoint(): string {
    return (this.endpoints[this.current] as Endpoint).url;
  }

  range(key: Buffer, rangeEnd?: Buffer, opts: { revision?: number; limit?: number; countOnly?: boolean } = {}): Promise<RangeResponse> {
    const req = {
      key,
      range_end: rangeEnd ?? Buffer.alloc(0),
      revision: opts.revision ?? 0,
      limit: opts.limit ?? 0,
      count_only: opts.countOnly ?? false,
    };
    return this.withFailover(() => this.unary<RangeResponse>('Range', req));
  }

  txn(compare: Compare[], success: RequestOp[], failure: RequestOp[]): Promise<TxnResponse> {
    return this.unary<TxnResponse>('Txn', { compare, success, failure });
  }

  async compact(revision: number): Promise<void> {
    await this.unary('Compact', { revision, physical: false });
  }

  /**
   * Opens a Watch stream on [key, rangeEnd) from `startRevision`, with each event's previous value when
   * `prevKv`; responses and the end go to `handlers`.
   */
  watch(key: Buffer, rangeEnd: Buffer, startRevision: number, handlers: WatchHandlers, prevKv = false): WatchStream {
    const stream = (this.endpoints[this.current] as Endpoint).watch.Watch();
    let ended = false;
    const end = (err?: Error): void => {
      if (ended) return;
      ended = true;
      if (err && isTransient(err as ServiceError)) this.rotate();
      handlers.end(err);
    };
    stream.on('data', (res: WatchResponse) => handlers.response(res));
    stream.on('error', (err: Error) => end(err));
    stream.on('end', () => end(new Error('etcd closed the watch stream')));
    stream.write({ create_request: { key, range_end: rangeEnd, start_revision: startRevision, prev_kv: prevKv } });
    return {
      requestProgress: () => {
        if (!ended) stream.write({ progress_request: {} });
      },
      close: () => {
        ended = true;
        stream.cancel();
      },
    };
  }

  close(): void {
    for (const e of this.endpoints) {
      e.kv.close();
      e.watch.close();
    }
  }

  private rotate(): void {
    this.current = (this.current + 1) % this.endpoints.length;
  }

  private async withFailover<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof StorageError) || err.code !== 'Unavailable' || attempt + 1 >= this.endpoints.length) throw err;
      }
    }
  }

  private unary<T>(method: string, req: unknown): Promise<T> {
    const endpoint = this.endpoints[this.current] as Endpoint;
    return new Promise((resolve, reject) => {
      const call = endpoint.kv[method] as Unary<unknown, T>;
      call.call(endpoint.kv, req, new Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err, res) => {
        if (!err) return resolve(res);
        if (isCompacted(err)) return reject(new StorageError('Expired', '', `etcd: ${err.details}`));
        if (isTransient(err)) this.rotate();
        reject(
          new StorageError(
            'Unavailable',
            '',
            `etcd ${endpoint.url}: ${(err.details || err.message).replace(/\s*Resolution note:\s*$/, '')}`,
          ),
        );
      });
    });
  }
}

function channelOf(url: string, options: EtcdClientOptions): { target: string; creds: ChannelCredentials } {
  const parsed = new URL(url.includes('://') ? url : `http://${url}`);
  const target = `${parsed.hostname.includes(':') ? `[${parsed.hostname}]` : parsed.hostname}:${parsed.port || '2379'}`;
  if (parsed.protocol === 'http:') return { target, creds: credentials.createInsecure() };
  if (parsed.protocol !== 'https:') throw new Error(`etcd server ${url}: the scheme must be http or https`);
  return { target, creds: credentials.createSsl(options.ca ?? null, options.key ?? null, options.cert ?? null) };
}
