/**
 * Load shedding on the process's own health (`@fastify/under-pressure`): while the event loop lags or the heap
 * is nearly full, requests get 429 with Retry-After (the same Status as the in-flight limits) instead of
 * piling up until the process falls over. Health checks are always answered, so the kubelet sees a live
 * process. Its hook runs where the chain installs it, before authorization: Fastify queues the hooks added
 * after a `register` until the plugin has loaded, so registration order is execution order.
 */
import { getHeapStatistics } from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { newTooManyRequests } from '../../apimachinery/errors.js';

export interface LoadSheddingOptions {
  /** Event-loop delay, in milliseconds, past which requests are refused. */
  maxEventLoopDelayMs: number;
  /** Heap in use, in bytes, past which requests are refused. */
  maxHeapUsedBytes: number;
  /** How often the process is sampled, in milliseconds. */
  sampleIntervalMs: number;
}

export const DEFAULT_LOAD_SHEDDING: LoadSheddingOptions = {
  maxEventLoopDelayMs: 1000,
  maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.9),
  sampleIntervalMs: 1000,
};

const HEALTH = /^\/(healthz|livez|readyz)(\/|\?|$)/;

export function installLoadShedding(app: FastifyInstance, opts: LoadSheddingOptions = DEFAULT_LOAD_SHEDDING): void {
  void app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxHeapUsedBytes: opts.maxHeapUsedBytes,
    sampleInterval: opts.sampleIntervalMs,
    pressureHandler: async (req) => {
      if (HEALTH.test(req.url)) return;
      throw newTooManyRequests('The server is overloaded, please try again later.', 1);
    },
  });
}
