/**
 * Output negotiation from the Accept header: a meta.k8s.io Table (what `kubectl get` asks for), a
 * meta.k8s.io PartialObjectMetadata or PartialObjectMetadataList (what client-go's metadata client asks for:
 * the garbage collector and the namespace controller), YAML, or JSON (the default). Protobuf is not served;
 * a client that accepts only protobuf gets 406.
 */
import { newNotAcceptable } from '../../apimachinery/errors.js';

export type OutputFormat = 'json' | 'yaml' | 'table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0)
          params[p.slice(0, eq).trim().toLowerCase()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((r) => r.type !== '');
}

const isJsonLike = (t: string): boolean => t === 'application/json' || t === '*/*' || t === 'application/*';

/** The Table version the client asked for first (`meta.k8s.io/v1beta1` Tables are still served upstream). */
export function tableApiVersion(header: string | undefined): 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1' {
  for (const r of parseAccept(header)) {
    if (r.params.as === 'Table' && r.params.g === 'meta.k8s.io' && (r.params.v === 'v1' || r.params.v === 'v1beta1')) {
      return `meta.k8s.io/${r.params.v}`;
    }
  }
  return 'meta.k8s.io/v1';
}

/** The first acceptable range wins, as in kube-apiserver's negotiation (order, not q, decides). */
export function negotiateOutput(header: string | undefined, supportsTable = true): OutputFormat {
  const ranges = parseAccept(header);
  if (ranges.length === 0) return 'json';
  for (const r of ranges) {
    if (r.params.as !== undefined) {
      if (r.type !== 'application/json' || r.params.g !== 'meta.k8s.io') continue;
      if (r.params.as === 'Table' && (r.params.v === 'v1' || r.params.v === 'v1beta1') && supportsTable) return 'table';
      // Either kind is accepted on any endpoint, as upstream's AllowsMediaTypeTransform; a kind that does not
      // fit the response (a list for one object, or the reverse) is a 406 where the response is written.
      if ((r.params.as === 'PartialObjectMetadata' || r.params.as === 'PartialObjectMetadataList') && r.params.v === 'v1' && supportsTable)
        return r.params.as;
      continue;
    }
    if (isJsonLike(r.type)) return 'json';
    if (r.type === 'application/yaml') return 'yaml';
  }
  throw newNotAcceptable('only the following media types are accepted: application/json, application/yaml');
}
