/**
 * The AdmissionReview a webhook is sent and the checks its answer must pass (`webhook/request`). The request
 * names the resource and kind the webhook matched (another version under matchPolicy Equivalent, its objects
 * converted to it) and, as requestKind/requestResource, the ones the client used.
 */
import { randomUUID } from 'node:crypto';
import { goQuote } from '../../../apimachinery/go-format.js';
import { isPlainObject } from '../../../apimachinery/types.js';
import type { Attributes } from '../../interfaces.js';
import type { MatchedResource } from '../../matching/index.js';
import type { AdmissionResponse, AdmissionReview, UserInfoReview } from './types.js';

const KNOWN_VERSIONS = ['v1', 'v1beta1'];

/** A review to send, and its uid, in the first version the webhook accepts that is known here. */
export function createAdmissionReview(
  versions: readonly string[] | undefined,
  versioned: Attributes,
  original: Attributes,
  matched: MatchedResource,
): { uid: string; review: AdmissionReview } {
  const version = (versions ?? []).find((v) => KNOWN_VERSIONS.includes(v));
  if (!version) throw new Error('webhook does not accept known AdmissionReview versions (v1, v1beta1)');
  const uid = randomUUID();
  const user = original.userInfo;
  // Go leaves out the empty fields of UserInfo (omitempty).
  const userInfo: UserInfoReview = {
    ...(user?.name ? { username: user.name } : {}),
    ...(user?.uid ? { uid: user.uid } : {}),
    ...(user?.groups.length ? { groups: user.groups } : {}),
    ...(user && Object.keys(user.extra).length ? { extra: user.extra } : {}),
  };
  return {
    uid,
    review: {
      kind: 'AdmissionReview',
      apiVersion: `admission.k8s.io/${version}`,
      request: {
        uid,
        kind: matched.kind,
        resource: matched.resource,
        ...(original.subresource ? { subResource: original.subresource } : {}),
        requestKind: original.kind,
        requestResource: original.resource,
        ...(original.subresource ? { requestSubResource: original.subresource } : {}),
        ...(original.name ? { name: original.name } : {}),
        ...(original.namespace ? { namespace: original.namespace } : {}),
        operation: original.operation,
        userInfo,
        object: versioned.object ?? null,
        oldObject: versioned.oldObject ?? null,
        dryRun: original.dryRun,
        options: original.options ?? null,
      },
    },
  };
}

/** What the webhook answered, once it passed `VerifyAdmissionResponse`'s checks. */
export interface VerifiedResponse {
  allowed: boolean;
  status: AdmissionResponse['status'];
  patch?: Buffer;
  patchType?: string;
  auditAnnotations: Record<string, string>;
  warnings: string[];
}

/**
 * Throws a plain Error with upstream's message for an answer that cannot be used, an UndecodableResponse for
 * one Go could not even have decoded.
 */
export function verifyAdmissionResponse(uid: string, sent: AdmissionReview, mutating: boolean, answer: unknown): VerifiedResponse {
  if (!isPlainObject(answer))
    throw new Error(`expected webhook response of ${gvkString(sent.apiVersion, sent.kind)}, got ${gvkString('', '')}`);
  const response = answer.response;
  if (!isPlainObject(response)) throw new Error('webhook response was absent');
  const r = response as AdmissionResponse;
  const v1 = sent.apiVersion === 'admission.k8s.io/v1';
  // v1beta1 did not require the uid or the patchType; a v1beta1 patch is always a JSON patch.
  if (v1) {
    if (r.uid !== uid) throw new Error(`expected response.uid=${goQuote(uid)}, got ${goQuote(String(r.uid ?? ''))}`);
    if (answer.apiVersion !== sent.apiVersion || answer.kind !== sent.kind) {
      throw new Error(
        `expected webhook response of ${gvkString(sent.apiVersion, sent.kind)}, got ${gvkString(answer.apiVersion, answer.kind)}`,
      );
    }
  }
  const patch = r.patch ? decodeBase64(r.patch) : undefined;
  let patchType: string | undefined;
  if (mutating && v1) {
    if (patch?.length && r.patchType === undefined) throw new Error('webhook returned response.patch but not response.patchType');
    if (!patch?.length && r.patchType !== undefined) throw new Error('webhook returned response.patchType but not response.patch');
    if (r.patchType !== undefined && !r.patchType)
      throw new Error(`webhook returned invalid response.patchType of ${goQuote(r.patchType)}`);
    patchType = r.patchType;
  } else if (mutating) {
    patchType = patch?.length ? 'JSONPatch' : undefined;
  } else if (v1) {
    if (patch?.length) throw new Error('validating webhook may not return response.patch');
    if (r.patchType !== undefined) throw new Error('validating webhook may not return response.patchType');
  }
  return {
    allowed: r.allowed === true,
    status: r.status,
    ...(mutating && patch?.length ? { patch, patchType } : {}),
    auditAnnotations: isPlainObject(r.auditAnnotations) ? (r.auditAnnotations as Record<string, string>) : {},
    warnings: Array.isArray(r.warnings) ? r.warnings : [],
  };
}

/** `schema.GroupVersionKind.String()`. */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const gv = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = gv.indexOf('/');
  const [group, version] = slash < 0 ? ['', gv] : [gv.slice(0, slash), gv.slice(slash + 1)];
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/** A response body Go's decoder would refuse before any check (a `[]byte` that is not standard base64). */
export class UndecodableResponse extends Error {}

/** `[]byte` in JSON is standard base64; Go refuses anything else, where Node would skip it silently. */
function decodeBase64(s: unknown): Buffer {
  const text = typeof s === 'string' ? s : '';
  const bad = text.search(/[^A-Za-z0-9+/=]|=[^=]|=(?==[^=])/);
  if (typeof s !== 'string' || bad >= 0 || text.length % 4 !== 0) {
    throw new UndecodableResponse(`illegal base64 data at input byte ${bad >= 0 ? bad : Math.floor(text.length / 4) * 4}`);
  }
  return Buffer.from(text, 'base64');
}
