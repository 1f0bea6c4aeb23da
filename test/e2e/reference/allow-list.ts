/**
 * The differences the reference diff accepts. EXPECTED_DIFFERENCES are right by design, each with its
 * reason; KNOWN_DEFECTS are ours to fix, listed so the suite passes today: remove an entry when its fix
 * lands (the run prints entries that no longer match anything). An expected difference wins over a known
 * defect on the same row.
 */
import type { Allowance } from './classify.js';

const SAMPLE = 'sample-apiserver' as const;
const KUBE = 'kube-apiserver' as const;
const ANY = /./;
const TABLES = /^(Table |kubectl get Accept|watch as Table|fischer Table get)/;
const DISCOVERY = /^GET \/apis/;
const OPENAPI = /^GET \/openapi\//;
const WRONG_METHODS_ON_DISCOVERY = /^(POST \/apis|PUT \/apis\/|DELETE \/apis\/|POST \/apis\/)/;

export const EXPECTED_DIFFERENCES: Allowance[] = [
  // The sample's Go types against a CRD-format definition of the same group.
  {
    comparison: SAMPLE,
    request: ANY,
    aspect: 'body',
    path: /(^|\.)(spec|status)$/,
    reference: 'object',
    ours: '(absent)',
    why: "Go encodes the sample's empty spec and status structs as {}; an object of a CRD-format definition has no field nobody wrote",
  },
  {
    comparison: SAMPLE,
    request: ANY,
    aspect: 'body',
    path: /metadata\.generation$/,
    reference: '(absent)',
    ours: 'number',
    why: "the sample's strategy never sets metadata.generation; CRD-format resources start it at 1 and bump it on spec changes, as kube-apiserver's CRD handler does",
  },
  {
    comparison: SAMPLE,
    request: ANY,
    aspect: 'body',
    path: /^items\[\]\.(apiVersion|kind)$/,
    reference: '(absent)',
    ours: 'string',
    why: 'typed Go lists leave apiVersion and kind out of their items; CRD lists carry them, as ours do',
  },
  {
    comparison: SAMPLE,
    request: 'fischer create with a namespace in the body',
    aspect: 'body',
    path: /^(disallowedFlunders|metadata\.managedFields)$/,
    why: "Go's omitempty drops the empty list the request sent, leaving the create no field to record in managedFields; a CRD-format object keeps the list, and its creator owns it",
  },
  {
    comparison: SAMPLE,
    request: TABLES,
    aspect: 'body',
    path: /columnDefinitions|cells/,
    why: "the sample uses the default Table convertor (Name, Created At); our definition has printer columns, as a CRD's would",
  },
  {
    comparison: SAMPLE,
    request: DISCOVERY,
    aspect: 'body',
    path: /(categories|shortNames|subresources)$|^resources(\.length|\[\]\.(name|singularName|verbs\.length))$/,
    why: "our definition gives Flunder shortNames, categories and a /status subresource; the sample's types have none",
  },
  {
    comparison: SAMPLE,
    request: 'GET /apis (aggregated v2)',
    aspect: 'body',
    path: /responseKind\.(group|version)$/,
    why: "the sample's typed resources leave responseKind's group and version empty (meaning their own); CRDs fill them in, as we do",
  },
  {
    comparison: SAMPLE,
    request: 'GET /apis',
    aspect: 'body',
    path: 'serverAddressByClientCIDRs',
    why: "only the generic apiserver's own /apis lists serverAddressByClientCIDRs; behind the aggregator kube-apiserver serves /apis itself, and its CRD groups have none either",
  },
  {
    comparison: SAMPLE,
    request: /strategic merge patch$/,
    aspect: ['status', 'reason', 'causes', 'body'],
    why: 'strategic merge patch needs Go struct tags: kube-apiserver refuses it for CRDs with 415, as we do for every definition',
  },
  {
    comparison: SAMPLE,
    request: 'create invalid name',
    aspect: ['status', 'reason', 'causes', 'body'],
    why: 'the sample checks names only as path segments (its strategy skips the DNS-subdomain rule); CRDs, and we, require a DNS subdomain',
  },
  {
    comparison: SAMPLE,
    request: 'flunder /status',
    aspect: ['status', 'reason', 'body', 'warning'],
    why: "our definition gives Flunder a /status subresource; the sample's has none",
  },
  {
    comparison: SAMPLE,
    request: 'flunder v1alpha1 referenceType Bogus',
    aspect: ['status', 'reason', 'causes', 'body'],
    why: 'the sample\'s v1alpha1 conversion silently drops an unknown referenceType before validation; our conversion keeps it, so the same validation refuses it (422 "must be Flunder or Fischer") instead of storing what the client did not ask for',
  },
  {
    comparison: SAMPLE,
    request: 'create wrong kind',
    aspect: ['status', 'reason', 'causes', 'body'],
    why: 'the sample\'s typed decoder refuses a body of another kind with 400; we serve CRD-format definitions and answer as kube-apiserver\'s CRD handler does: 422 kind "must be <Kind>" (compared there)',
  },
  {
    comparison: SAMPLE,
    request: OPENAPI,
    aspect: 'body',
    path: /^(paths|definitions|schemas)?(\.length|\[\])$/,
    why: "the sample's OpenAPI comes from go-restful (watch and discovery paths, Go package names); ours is built as kube-apiserver builds a CRD's, compared there",
  },
  {
    comparison: SAMPLE,
    request: 'GET /apis/unknown.example.com',
    aspect: ['reason', 'body'],
    why: 'for a path it does not serve the generic apiserver answers its path index ({"paths": [...]}) with the 404; we answer a NotFound Status',
  },
  {
    comparison: SAMPLE,
    request: 'Accept text/html',
    aspect: 'body',
    path: 'details',
    why: "the sample's typed handler writes empty details into its 406; kube-apiserver's CRD handler writes none, as we do",
  },

  // kube-apiserver's CRD handler.
  {
    comparison: KUBE,
    request: OPENAPI,
    aspect: 'body',
    path: /^(paths|)(\.length|\[\])$/,
    why: "kube-apiserver's OpenAPI for a CRD lists only its resource paths; the Go reference servers (the sample-apiserver, compared there) also list the discovery and legacy /watch/ paths and the group's own v3 document, as we do",
  },
  {
    comparison: KUBE,
    request: /^(?!page [12] )/,
    aspect: 'body',
    path: 'metadata.continue',
    reference: 'string',
    ours: '(absent)',
    why: "kube-apiserver's unstructured lists write an empty continue; typed lists (the sample's) omit it, as we do",
  },
  {
    comparison: KUBE,
    request: 'create wrong apiVersion',
    aspect: 'warning',
    path: 'unknown field',
    why: 'kube-apiserver decodes a body of an unknown version without a schema and warns about its fields before refusing it with the same 400',
  },
  {
    comparison: KUBE,
    request: 'GET /openapi/v3',
    aspect: 'content-type',
    reference: 'text/plain',
    why: 'kube-openapi writes the v3 root without a Content-Type and Go sniffs text/plain; the document is JSON',
  },
  {
    comparison: KUBE,
    request: /^(GET \/apis\/shop\.example\.com\/v9|GET \/apis\/unknown\.example\.com|POST to the all-namespaces path)$/,
    aspect: ['status', 'reason', 'content-type', 'body'],
    why: 'kube-apiserver answers a path nothing routes with Go\'s plain-text "404 page not found"; the sample answers a JSON Status (404 for an unknown version, 405 for POST on the all-namespaces path), as we do',
  },
  {
    comparison: KUBE,
    request: WRONG_METHODS_ON_DISCOVERY,
    aspect: ['status', 'reason', 'body'],
    why: "kube-apiserver's own discovery handlers answer any method; the go-restful routes of the sample answer 405 (compared there)",
  },
  {
    comparison: KUBE,
    request: /^(PUT|PATCH) on a collection$/,
    aspect: ['status', 'reason', 'body'],
    why: "kube-apiserver's CRD handler takes PUT/PATCH on a collection for an update without a name (400); the sample answers 405, as we do",
  },
  {
    comparison: KUBE,
    request: 'POST on an object',
    aspect: ['status', 'reason', 'body'],
    why: "kube-apiserver's CRD handler creates on a POST to an object's path; the sample answers 405, as we do",
  },

  // Both references.
  {
    request: 'watch resourceVersion=abc',
    aspect: ['status', 'reason'],
    reference: /^(500|)$/,
    why: 'both references answer 500 for an unparsable resourceVersion on a watch (it reaches storage unchecked) and 400 on a list; 400 is right, as on a list',
  },
  {
    request: 'Accept application/vnd.kubernetes.protobuf',
    aspect: ['reason', 'content-type'],
    why: 'all three refuse the object in protobuf with 406; the references write that Status in protobuf (Status has an encoding), we speak JSON and YAML only',
  },
  {
    comparison: SAMPLE,
    request: 'flunder with a banned name',
    aspect: 'causes',
    why: "both refuse with 403 Forbidden; the sample's BanFlunder plugin says `this name may not be used, please change the resource name` with no causes, we ship that rule as a ValidatingAdmissionPolicy (deploy/policies/ban-flunder.yaml), whose denial upstream words as `ValidatingAdmissionPolicy 'ban-flunder' with binding 'ban-flunder' denied request: <message>` and repeats as the Status's one cause",
  },
  {
    comparison: KUBE,
    request: /^(apply scale forced \(hpa\)|get after scale apply)$/,
    why: 'kube-apiserver answers a server-side apply through a CRD\'s /scale that changes replicas with 500 ("failed to convert new object (...; autoscaling/v1, Kind=Scale) to proper version: request to convert CR to an invalid group/version": its Scale field manager re-versions the merged Scale with the CR\'s converter); we apply it and map ownership back as its ScaleHandler does, as the README says',
  },
];

export const KNOWN_DEFECTS: Allowance[] = [];
