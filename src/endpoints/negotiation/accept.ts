/**
 * Output negotiation from the Accept header: a meta.k8s.io Table (what `kubectl get` asks for), YAML, or
 * JSON (the default). Protobuf is not served; a client that accepts only protobuf gets 406.
 */
import { newNotAcceptable } from '../../apimachinery/errors.js';

export type OutputFormat = 'json' | 'yaml' | 'table';

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: type.toLowerCase(), params };
  }).filter((r) => r.type !== '');
}

const isJsonLike = (t: string): boolean => t === 'application/json' || t === '*/*' || t === 'application/*';

/** The first acceptable range wins, as in kube-apiserver's negotiation (order, not q, decides). */
export function negotiateOutput(header: string | undefined, supportsTable = true): OutputFormat {
  const ranges = parseAccept(header);
  if (ranges.length === 0) return 'json';
  for (const r of ranges) {
    if (r.params.as !== undefined) {
      if (r.type === 'application/json' && r.params.as === 'Table' && r.params.g === 'meta.k8s.io'
        && (r.params.v === 'v1' || r.params.v === 'v1beta1') && supportsTable) return 'table';
      continue;
    }
    if (isJsonLike(r.type)) return 'json';
    if (r.type === 'application/yaml') return 'yaml';
  }
  throw newNotAcceptable('only the following media types are accepted: application/json, application/yaml');
}
