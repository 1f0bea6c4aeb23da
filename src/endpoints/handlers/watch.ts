/**
 * The watch stream (`pkg/endpoints/handlers/watch.go`): HTTP 200 with chunked newline-delimited JSON
 * WatchEvents, flushed per event; BOOKMARKs every minute and 2 s before the deadline when
 * `allowWatchBookmarks`; a too-old resourceVersion is an ERROR event with a 410 Status, then the end.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStatusError, type StatusError } from '../../apimachinery/errors.js';
import { newInvalidOptions, validateListOptions } from '../../apimachinery/options.js';
import type { Predicate } from '../../storage/interfaces.js';
import { bookmark, type ObjectWatch } from '../../registry/rest/watch.js';
import { boolParam, intParam, optionalBoolParam, queryParam } from './query.js';
import { watchEncoder } from '../serializer.js';
import { namespaceOf, type RouteContext } from './route-context.js';
import { predicateFrom } from './selectors.js';

/** kube-apiserver's `defaultBookmarkFrequency`. */
const BOOKMARK_INTERVAL_MS = 60_000;
/** `--min-request-timeout` default: a watch without timeoutSeconds lasts a random time in [min, 2*min]. */
const MIN_REQUEST_TIMEOUT_SECONDS = 1800;

function watchParams(req: FastifyRequest): { sendInitialEvents?: boolean; allowBookmarks: boolean; timeoutMs: number } {
  const allowBookmarks = boolParam(req, 'allowWatchBookmarks');
  const sendInitialEvents = optionalBoolParam(req, 'sendInitialEvents');
  const errs = validateListOptions({
    watch: true,
    resourceVersion: queryParam(req, 'resourceVersion'),
    resourceVersionMatch: queryParam(req, 'resourceVersionMatch'),
    continueToken: queryParam(req, 'continue'),
    sendInitialEvents,
  });
  if (errs.length > 0) throw newInvalidOptions('ListOptions', errs);
  const timeoutSeconds = intParam(req, 'timeoutSeconds');
  const seconds = timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds : MIN_REQUEST_TIMEOUT_SECONDS * (1 + Math.random());
  return { sendInitialEvents, allowBookmarks, timeoutMs: seconds * 1000 };
}

/** `name`: the object a legacy `/watch/.../<name>` path names; only its events are sent. */
export async function serveWatch(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply, name?: string): Promise<FastifyReply> {
  const { scope } = ctx;
  const params = watchParams(req);
  // A watch's events carry single objects, whichever of the two metadata kinds was asked for.
  const encode = watchEncoder(req, scope);
  let watch: ObjectWatch | undefined;
  let expired: StatusError | undefined;
  // A client that goes away cancels the watch in storage too (for a remote store: its stream).
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  try {
    watch = await ctx.store.watch(scope, {
      signal: gone.signal,
      namespace: namespaceOf(req),
      predicate: withName(predicateFrom(req, scope), name),
      resourceVersion: queryParam(req, 'resourceVersion'),
      sendInitialEvents: params.sendInitialEvents,
    });
  } catch (err) {
    if (!isStatusError(err) || err.code !== 410) throw err;
    expired = err;
  }

  reply.hijack();
  const res = reply.raw;
  // The hijacked stream writes its own head: carry over what earlier stages set (Cache-Control, Warning,
  // Audit-Id). Fastify keeps header names lowercased; a differently cased copy would be sent twice.
  res.writeHead(200, { ...reply.getHeaders(), 'content-type': 'application/json' } as Record<string, string>);
  // The stream's own writes: a hijacked reply leaves Fastify, so these are the one place outside the serializer.
  // HTTP/1.1 sends headers at once with flushHeaders; HTTP/2 has no such call and sends them with the first write.
  (res as { flushHeaders?: () => void }).flushHeaders?.();
  if (!watch) {
    res.end(`${JSON.stringify({ type: 'ERROR', object: expired?.status })}\n`);
    return reply;
  }
  const active = watch;

  // Bookmarks promise every event up to their resourceVersion was sent; start from where the client is.
  let lastResourceVersion = Number(queryParam(req, 'resourceVersion') ?? 0) || 0;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const sendBookmark = (): void => {
    // The store's progress when every change up to it has been written or filtered out (as the cacher's bookmarks).
    lastResourceVersion = Math.max(lastResourceVersion, active.progress());
    if (!ended && params.allowBookmarks && lastResourceVersion > 0) {
      res.write(encode('BOOKMARK', bookmark(scope, lastResourceVersion).object));
    }
  };
  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearTimeout(t);
    active.stop();
    unregister();
    res.end();
  };
  const unregister = ctx.watches.add({ end });
  res.on('close', end);
  timers.push(setTimeout(end, params.timeoutMs));
  if (params.allowBookmarks) {
    timers.push(setInterval(sendBookmark, BOOKMARK_INTERVAL_MS));
    if (params.timeoutMs > 2000) timers.push(setTimeout(sendBookmark, params.timeoutMs - 2000));
  }

  // The events a batch of writes hands out together go out in one socket write (and one TLS record), not one
  // each: corked for the rest of this turn of the event loop. HTTP/2 streams have no cork; their session batches.
  const corkable = res as { cork?: () => void; uncork?: () => void };
  let corked = false;
  const coalesce = (): void => {
    if (corked || !corkable.cork) return;
    corked = true;
    corkable.cork();
    process.nextTick(() => {
      corked = false;
      corkable.uncork?.();
    });
  };

  try {
    while (!ended) {
      const ev = await active.next();
      if (!ev || ended) break;
      // The end-of-initial-events bookmark too is sent only to clients that allow bookmarks.
      if (ev.type === 'BOOKMARK' && !params.allowBookmarks) continue;
      lastResourceVersion = Math.max(lastResourceVersion, ev.resourceVersion);
      coalesce();
      if (!res.write(encode(ev.type, ev.object))) {
        // A slow reader: wait for the socket rather than buffering without bound.
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
      }
    }
  } catch (err) {
    req.log.error({ err }, 'watch stream failed');
  } finally {
    end();
  }
  return reply;
}

function withName(predicate: Predicate | undefined, name: string | undefined): Predicate | undefined {
  if (name === undefined) return predicate;
  return (obj) => obj.metadata.name === name && (!predicate || predicate(obj));
}
