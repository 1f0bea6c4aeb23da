/**
 * Continue tokens for paged lists, in kube-apiserver's format: base64url of
 * `{"v":"meta.k8s.io/v1","rv":<resourceVersion>,"start":"<key after the prefix>\u0000"}`.
 * rv -1 marks a token handed out after an Expired page: continue from the key, at the current state.
 */
import { newBadRequest } from '../../apimachinery/errors.js';

export interface ContinuePosition {
  resourceVersion: number;
  /** The key to continue after, relative to the list prefix. */
  startAfter: string;
}

export function encodeContinue(resourceVersion: number, prefix: string, lastKey: string): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start })).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  // Never echo what a bad token decodes to: it is the client's bytes, often not text at all.
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(token)) {
    throw newBadRequest('invalid continue token: continue key is not valid: illegal base64 data');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw newBadRequest('invalid continue token: continue key is not valid: not a JSON object');
  }
  const t = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (t?.v !== 'meta.k8s.io/v1') throw newBadRequest('invalid continue token: continue key is not supported by this server');
  if (typeof t.rv !== 'number' || !Number.isInteger(t.rv) || t.rv === 0 || t.rv < -1) {
    throw newBadRequest(
      'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (typeof t.start !== 'string' || t.start === '' || t.start.split('/').includes('..')) {
    throw newBadRequest('invalid continue token: continue key is not valid: encoded start key was not valid');
  }
  return { resourceVersion: t.rv, startAfter: t.start.endsWith('\u0000') ? t.start.slice(0, -1) : t.start };
}

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter, or use the continue token in this response to retrieve ' +
  'the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that ' +
  'were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';
