/**
 * An API server as a kubeconfig names it, for the subcommands that act as its clients (`doctor`, `backup`):
 * plain JSON over HTTPS with the kubeconfig's credentials, so objects keep the field names and encodings an
 * operator knows from `kubectl get -o json` (caBundle as base64).
 */
import { request, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ApiResponse<T> {
  status: number;
  body: T | undefined;
  text: string;
}

// Loose on purpose: objects as the API returns them, read a few fields at a time.
// biome-ignore lint/suspicious/noExplicitAny: API objects of many kinds
export type Obj = Record<string, any>;

export class Cluster {
  private constructor(
    private readonly kc: KubeConfig,
    readonly server: string,
  ) {}

  static async load(kubeconfig: string | undefined): Promise<Cluster> {
    // Loaded here: the subcommands that never call a cluster do not pay for the client library.
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig names no server');
    return new Cluster(kc, server);
  }

  get<T = Obj>(path: string): Promise<ApiResponse<T>> {
    return this.call<T>('GET', path);
  }

  post<T = Obj>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.call<T>('POST', path, body);
  }

  /** The object at `path`, or undefined when it does not exist; any other answer is an error. */
  async find<T = Obj>(path: string): Promise<T | undefined> {
    const res = await this.get<T>(path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}: ${statusMessage(res)}`);
    return res.body;
  }

  async items(path: string): Promise<Obj[]> {
    return ((await this.find<{ items?: Obj[] }>(path))?.items ?? []) as Obj[];
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const options: RequestOptions = {
      method,
      headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}) },
      timeout: 15_000,
    };
    await this.kc.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.server), options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: T | undefined;
          try {
            parsed = JSON.parse(text) as T;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out after 15s')));
      req.on('error', (err) => reject(new Error(`cannot reach ${this.server}: ${err.message}`)));
      req.end(payload);
    });
  }
}

/** A Status's message, else the body's text. */
export function statusMessage(res: ApiResponse<unknown>): string {
  const message = (res.body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : res.text.trim().slice(0, 300) || `HTTP ${res.status}`;
}
