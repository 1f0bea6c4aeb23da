/**
 * Sends one table of requests to a reference and to our server, in order, each server with its own
 * context (an update carries the resourceVersion that server returned), and compares every answer.
 */
import { call, type ClientIdentity, watchEvents } from '../../support/client.js';
import type { ComparedDifference, Comparison } from './classify.js';
import { type Answer, type CompareOptions, compareAnswers } from './diff.js';

export type Obj = Record<string, any>;

/** What an earlier request of the sequence returned, on the server being called. */
export interface Context {
  answer(name: string): Answer;
  /** The earlier answer's JSON body (an object, or {} when there was none). */
  json(name: string): Obj;
}

type Dynamic<T> = T | ((ctx: Context) => T);

export interface RequestSpec {
  /** Unique in its sequence; allow-lists and the report name requests by it. */
  name: string;
  /** The report's grouping: CRUD, delete options, bad input, watch, discovery... */
  topic: string;
  method: string;
  path: Dynamic<string>;
  /** JSON-encoded unless a string (sent as is: broken JSON, YAML). */
  body?: Dynamic<unknown>;
  headers?: Dynamic<Record<string, string>>;
  /** A watch: read up to `events` events, for at most `timeoutMs`. */
  watch?: { events: number; timeoutMs: number };
  compare?: CompareOptions;
  /** Time for an asynchronous consequence of the previous request (an informer catching up). */
  waitMs?: number;
}

/** A server under test and how to call it as `admin` in `system:masters`. */
export interface Target {
  url: string;
  id: ClientIdentity;
  /** The front-proxy identity headers for an aggregated server; nothing for kube-apiserver's own client certificate. */
  headers: Record<string, string>;
}

export interface Exchange {
  spec: RequestSpec;
  method: string;
  path: string;
  reference: Answer;
  ours: Answer;
}

function contextOf(answers: Map<string, Answer>): Context {
  const answer = (name: string): Answer => {
    const a = answers.get(name);
    if (!a) throw new Error(`the sequence refers to request "${name}" before it ran`);
    return a;
  };
  return {
    answer,
    json: (name) => {
      const body = answer(name).body;
      return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Obj) : {};
    },
  };
}

const resolve = <T>(v: Dynamic<T>, ctx: Context): T => (typeof v === 'function' ? (v as (c: Context) => T)(ctx) : v);

async function send(target: Target, spec: RequestSpec, ctx: Context): Promise<{ path: string; answer: Answer }> {
  const path = resolve(spec.path, ctx);
  const body = resolve(spec.body, ctx);
  const headers = { ...target.headers, ...resolve(spec.headers, ctx) };
  if (spec.watch) {
    const w = await watchEvents(target.url, target.id, path, spec.watch.events, spec.watch.timeoutMs, headers);
    // A refused watch is an ordinary error answer: its one "event" is the Status.
    const events = w.status === 200 ? w.events : w.events[0];
    return { path, answer: { status: w.status, headers: w.headers, body: events, text: JSON.stringify(events) } };
  }
  const res = await call(target.url, target.id, spec.method, path, body, headers);
  return { path, answer: { status: res.status, headers: res.headers, body: res.json, text: res.text } };
}

/** A connection the server dropped is an answer too (status 0), and differs from the other server's. */
async function sendOrFail(target: Target, spec: RequestSpec, ctx: Context): Promise<{ path: string; answer: Answer }> {
  try {
    return await send(target, spec, ctx);
  } catch (err) {
    const text = `(no answer: ${err instanceof Error ? err.message : String(err)})`;
    return { path: resolve(spec.path, ctx), answer: { status: 0, headers: {}, body: undefined, text } };
  }
}

export interface SequenceResult {
  comparison: Comparison;
  exchanges: Exchange[];
  differences: ComparedDifference[];
}

/** Runs the sequence on both servers, each request on both at once, the requests one after the other. */
export async function runSequence(comparison: Comparison, reference: Target, ours: Target, specs: RequestSpec[]): Promise<SequenceResult> {
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`two requests are named "${s.name}"`);
    names.add(s.name);
  }
  const refAnswers = new Map<string, Answer>();
  const ourAnswers = new Map<string, Answer>();
  const refCtx = contextOf(refAnswers);
  const ourCtx = contextOf(ourAnswers);
  const exchanges: Exchange[] = [];
  const differences: ComparedDifference[] = [];
  for (const spec of specs) {
    if (spec.waitMs) await new Promise((r) => setTimeout(r, spec.waitMs));
    const [ref, our] = await Promise.all([sendOrFail(reference, spec, refCtx), sendOrFail(ours, spec, ourCtx)]);
    refAnswers.set(spec.name, ref.answer);
    ourAnswers.set(spec.name, our.answer);
    exchanges.push({ spec, method: spec.method, path: ref.path, reference: ref.answer, ours: our.answer });
    differences.push(...compareAnswers(spec.name, ref.answer, our.answer, spec.compare).map((d) => ({ ...d, comparison })));
  }
  return { comparison, exchanges, differences };
}
