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
  { comparison: SAMPLE, request: ANY, aspect: 'warning', path: 'deprecated',
    why: 'the sample\'s Go types carry prerelease-lifecycle tags (deprecated in 1.3, removed in 1.10), so it warns on every request; our definition deprecates no version' },
  { comparison: SAMPLE, request: ANY, aspect: 'body', path: /(^|\.)(spec|status)$/, reference: 'object', ours: '(absent)',
    why: 'Go encodes the sample\'s empty spec and status structs as {}; an object of a CRD-format definition has no field nobody wrote' },
  { comparison: SAMPLE, request: ANY, aspect: 'body', path: /metadata\.generation$/, reference: '(absent)', ours: 'number',
    why: 'the sample\'s strategy never sets metadata.generation; CRD-format resources start it at 1 and bump it on spec changes, as kube-apiserver\'s CRD handler does' },
  { comparison: SAMPLE, request: ANY, aspect: 'body', path: /^items\[\]\.(apiVersion|kind)$/, reference: '(absent)', ours: 'string',
    why: 'typed Go lists leave apiVersion and kind out of their items; CRD lists carry them, as ours do' },
  { comparison: SAMPLE, request: 'fischer create with a namespace in the body', aspect: 'body', path: 'disallowedFlunders',
    why: 'Go\'s omitempty drops the empty list the request sent; a CRD-format object keeps it' },
  { comparison: SAMPLE, request: TABLES, aspect: 'body', path: /columnDefinitions|cells/,
    why: 'the sample uses the default Table convertor (Name, Created At); our definition has printer columns, as a CRD\'s would' },
  { comparison: SAMPLE, request: DISCOVERY, aspect: 'body', path: /(categories|shortNames|subresources)$|^resources(\.length|\[\]\.(name|singularName|verbs\.length))$/,
    why: 'our definition gives Flunder shortNames, categories and a /status subresource; the sample\'s types have none' },
  { comparison: SAMPLE, request: 'GET /apis (aggregated v2)', aspect: 'body', path: /responseKind\.(group|version)$/,
    why: 'the sample\'s typed resources leave responseKind\'s group and version empty (meaning their own); CRDs fill them in, as we do' },
  { comparison: SAMPLE, request: 'GET /apis', aspect: 'body', path: 'serverAddressByClientCIDRs',
    why: 'only the generic apiserver\'s own /apis lists serverAddressByClientCIDRs; behind the aggregator kube-apiserver serves /apis itself, and its CRD groups have none either' },
  { comparison: SAMPLE, request: /strategic merge patch$/, aspect: ['status', 'reason', 'causes', 'body'],
    why: 'strategic merge patch needs Go struct tags: kube-apiserver refuses it for CRDs with 415, as we do for every definition' },
  { comparison: SAMPLE, request: 'create invalid name', aspect: ['status', 'reason', 'causes', 'body'],
    why: 'the sample checks names only as path segments (its strategy skips the DNS-subdomain rule); CRDs, and we, require a DNS subdomain' },
  { comparison: SAMPLE, request: 'flunder /status', aspect: ['status', 'reason', 'body'],
    why: 'our definition gives Flunder a /status subresource; the sample\'s has none' },
  { comparison: SAMPLE, request: 'flunder v1alpha1 referenceType Bogus', aspect: ['status', 'reason', 'causes', 'body'],
    why: 'the sample\'s v1alpha1 conversion silently drops an unknown referenceType; our schema\'s enum refuses it, as a CRD\'s would' },
  { comparison: SAMPLE, request: OPENAPI, aspect: 'body', path: /^(paths|definitions|schemas)?(\.length|\[\])$/,
    why: 'the sample\'s OpenAPI comes from go-restful (watch and discovery paths, Go package names); ours is built as kube-apiserver builds a CRD\'s, compared there' },
  { comparison: SAMPLE, request: 'GET /apis/unknown.example.com', aspect: ['reason', 'body'],
    why: 'for a path it does not serve the generic apiserver answers its path index ({"paths": [...]}) with the 404; we answer a NotFound Status' },
  { comparison: SAMPLE, request: 'Accept text/html', aspect: 'body', path: 'details',
    why: 'the sample\'s typed handler writes empty details into its 406; kube-apiserver\'s CRD handler writes none, as we do' },

  // kube-apiserver's CRD handler.
  { comparison: KUBE, request: /^(?!page [12] )/, aspect: 'body', path: 'metadata.continue', reference: 'string', ours: '(absent)',
    why: 'kube-apiserver\'s unstructured lists write an empty continue; typed lists (the sample\'s) omit it, as we do' },
  { comparison: KUBE, request: 'create wrong apiVersion', aspect: 'warning', path: 'unknown field',
    why: 'kube-apiserver decodes a body of an unknown version without a schema and warns about its fields before refusing it with the same 400' },
  { comparison: KUBE, request: 'create schema-invalid spec', aspect: 'causes', ours: 'FieldValueInvalid:spec.replicas FieldValueNotSupported:spec.color',
    why: 'kube-apiserver checks the scale subresource\'s replicas path too and reports the field again as .spec.replicas; we report it once' },
  { comparison: KUBE, request: 'status put schema-invalid', aspect: 'causes', ours: 'FieldValueTypeInvalid:status.replicas',
    why: 'kube-apiserver checks the scale subresource\'s replicas path too and reports the field again as .status.replicas; we report it once' },
  { comparison: KUBE, request: 'GET /openapi/v3', aspect: 'content-type', reference: 'text/plain',
    why: 'kube-openapi writes the v3 root without a Content-Type and Go sniffs text/plain; the document is JSON' },
  { comparison: KUBE, request: /^(GET \/apis\/shop\.example\.com\/v9|GET \/apis\/unknown\.example\.com|POST to the all-namespaces path)$/,
    aspect: ['status', 'reason', 'content-type', 'body'],
    why: 'kube-apiserver answers a path nothing routes with Go\'s plain-text "404 page not found"; the sample answers a JSON Status (404 for an unknown version, 405 for POST on the all-namespaces path), as we do' },
  { comparison: KUBE, request: WRONG_METHODS_ON_DISCOVERY, aspect: ['status', 'reason', 'body'],
    why: 'kube-apiserver\'s own discovery handlers answer any method; the go-restful routes of the sample answer 405 (compared there)' },
  { comparison: KUBE, request: /^(PUT|PATCH) on a collection$/, aspect: ['status', 'reason', 'body'],
    why: 'kube-apiserver\'s CRD handler takes PUT/PATCH on a collection for an update without a name (400); the sample answers 405, as we do' },
  { comparison: KUBE, request: 'POST on an object', aspect: ['status', 'reason', 'body'],
    why: 'kube-apiserver\'s CRD handler creates on a POST to an object\'s path; the sample answers 405, as we do' },

  // Both references.
  { request: 'watch resourceVersion=abc', aspect: ['status', 'reason'], reference: /^(500|)$/,
    why: 'both references answer 500 for an unparsable resourceVersion on a watch (it reaches storage unchecked) and 400 on a list; 400 is right, as on a list' },
  { request: 'Accept application/vnd.kubernetes.protobuf', aspect: ['reason', 'content-type'],
    why: 'all three refuse the object in protobuf with 406; the references write that Status in protobuf (Status has an encoding), we speak JSON and YAML only' },
];

export const KNOWN_DEFECTS: Allowance[] = [
  // Every answer.
  { request: ANY, aspect: 'cache-control', reference: 'no-cache, private', ours: '(none)',
    why: 'no Cache-Control: no-cache, private (k8s.io/apiserver\'s WithCacheControl sets it on every answer)' },
  { request: ANY, aspect: 'body', path: /metadata\.managedFields$/,
    why: 'no managedFields: writes are not tracked by field manager' },
  { request: /apply patch|delete the applied object/, aspect: ['status', 'reason', 'causes', 'body'],
    why: 'server-side apply (application/apply-patch+yaml) is refused with 415; the rest follows from the object never being created' },

  // Writes.
  { request: /update without resourceVersion$/, aspect: ['status', 'reason', 'causes', 'body'],
    why: 'an update without metadata.resourceVersion is accepted; it must be 422 metadata.resourceVersion "must be specified for an update"' },
  { request: /update wrong uid$/, aspect: ['status', 'reason', 'causes', 'body'],
    why: 'an update whose metadata.uid differs is 422 "field is immutable"; it must be 409 Conflict "Precondition failed: UID in precondition"' },
  { request: /json patch failing test$/, aspect: 'body', path: 'details',
    why: 'a failed JSON-patch test operation answers 422 without details (kind, name, group)' },
  { request: /strategic merge patch$|^create Content-Type text\/plain$/, aspect: ['causes', 'body'],
    why: 'a 415 carries details with an empty UnexpectedServerResponse cause; the references send no details' },
  { request: 'create without name', aspect: 'body', path: 'details.name',
    why: 'the 422 for a missing name carries details.name "" where the references leave it out' },

  // Delete options.
  { request: /^(get after dryRun All \(body\)|delete propagationPolicy (Orphan|Foreground)|get after (Orphan|Foreground)|delete again while finalizing|remove finalizers of the (Orphan|Foreground) delete|get after finalizers removed)$/,
    aspect: ['status', 'reason', 'body'],
    why: 'DeleteOptions in the body are ignored: dryRun deletes for real, Orphan and Foreground delete at once instead of adding the orphan/foregroundDeletion finalizer and a deletionTimestamp' },
  { request: /^delete (propagationPolicy Bogus|preconditions uid 5|body \[\]|gracePeriodSeconds=abc)$/, aspect: ['status', 'reason', 'causes', 'body'],
    why: 'invalid DeleteOptions are not rejected (Bogus propagationPolicy must be 422, a non-string uid, an array body and gracePeriodSeconds=abc 400); the object is deleted' },
  { request: /^delete preconditions (uid|resourceVersion) wrong$/, aspect: 'body', path: 'details.kind',
    why: 'the 409 for a failed delete precondition names the resource (widgets) in details.kind; the references name the kind (Widget)' },

  // Bad input.
  { request: /^create (metadata\.name 12345|duplicate keys Strict)$/, aspect: ['status', 'reason', 'body'],
    why: 'a non-string metadata.name and duplicate JSON keys under fieldValidation=Strict are accepted; both must be 400 BadRequest' },
  { request: 'create duplicate keys Warn', aspect: 'warning', path: 'duplicate field',
    why: 'duplicate JSON keys under fieldValidation=Warn give no Warning (`duplicate field "metadata.name"`)' },
  { request: 'create ownerReferences without uid', aspect: ['status', 'reason', 'causes', 'body'],
    why: 'an ownerReference without uid is accepted; it must be 422 metadata.ownerReferences[0].uid Required' },
  { request: /^create (finalizers "x"|generateName 5)$/, aspect: ['status', 'reason', 'causes', 'body'],
    why: 'metadata.finalizers as a string or generateName as a number crash the handler (500 InternalError); they must be 400 BadRequest' },
  { request: /^(create (dryRun|fieldValidation)=Bogus|list resourceVersionMatch=(NotOlderThan without resourceVersion|Bogus)|watch sendInitialEvents without resourceVersionMatch)$/,
    aspect: ['status', 'reason', 'causes', 'body'],
    why: 'invalid query options are 400 BadRequest without causes; the references answer 422 Invalid with a cause on the option (CreateOptions/ListOptions validation)' },
  { comparison: KUBE, request: 'create wrong kind', aspect: ['status', 'reason', 'causes', 'body'],
    why: 'a body of another kind is 400; kube-apiserver\'s CRD handler answers 422 Invalid with cause kind "must be Widget"' },
  { request: 'create in a namespace that does not exist', aspect: ['status', 'reason', 'body'],
    why: 'objects are created in namespaces that do not exist; NamespaceLifecycle answers 404 namespaces "x" not found' },
  { comparison: SAMPLE, request: 'create schema-invalid spec', aspect: 'causes',
    why: 'wardle validation reports "cannot be empty if referenceType is Fischer" as FieldValueRequired; the sample reports FieldValueInvalid' },
  { comparison: SAMPLE, request: 'flunder with a banned name', aspect: ['status', 'reason', 'body'],
    why: 'the sample\'s BanFlunder admission (a Flunder named in a Fischer\'s disallowedFlunders is 403) is not implemented' },

  // Lists and watches.
  { request: /^list resourceVersion too large/, aspect: 'causes',
    why: 'the 504 for a too-large resourceVersion has no ResourceVersionTooLarge cause (and no "Timeout: " prefix)' },
  { request: 'watch as Table', aspect: 'body', path: /^\[\]\.object\.(columnDefinitions|metadata\.resourceVersion)$/,
    why: 'Table watch events repeat columnDefinitions on every event (the references send null after the first) and carry no metadata.resourceVersion' },
  { request: 'Table list includeObject=None', aspect: 'body', path: 'rows[].object',
    why: 'includeObject=None leaves rows[].object out; the references write null' },
  { comparison: KUBE, request: TABLES, aspect: 'body', path: 'columnDefinitions[].description',
    why: 'printer columns have an empty description; kube-apiserver writes "Custom resource definition column (in JSONPath format): <jsonPath>" when the CRD gives none' },
  { request: 'PartialObjectMetadataList', aspect: 'body', path: /^items\[\]\.(apiVersion|kind)$/, reference: 'string',
    why: 'PartialObjectMetadataList items lack apiVersion and kind (meta.k8s.io/v1 PartialObjectMetadata)' },

  // Discovery and OpenAPI.
  { request: 'GET /version', aspect: 'body', path: /^(emulation|minCompatibility)(Major|Minor)$/,
    why: '/version lacks emulationMajor/Minor and minCompatibilityMajor/Minor, which k8s.io/apiserver reports (the sample\'s too)' },
  { request: 'GET /apis (aggregated v2)', aspect: 'content-type',
    why: 'the aggregated discovery Content-Type quotes its parameters (g="apidiscovery.k8s.io"); kube-apiserver writes them bare' },
  { request: 'GET /apis (aggregated v2)', aspect: 'body', path: 'metadata.creationTimestamp',
    why: 'aggregated discovery items carry metadata.creationTimestamp: null; the references leave it out' },
  { comparison: SAMPLE, request: WRONG_METHODS_ON_DISCOVERY, aspect: ['status', 'reason'],
    why: 'a wrong method on /apis, /apis/<group> or /apis/<group>/<version> is 404 NotFound; it must be 405 MethodNotAllowed' },
  { comparison: KUBE, request: OPENAPI, aspect: 'body', path: /^paths(\.length|\[\])$/,
    why: 'OpenAPI v2 and v3 leave out the /scale path of a resource with a scale subresource' },

  // Subresources (kube-apiserver).
  { comparison: KUBE, request: 'scale put mismatched name', aspect: ['status', 'reason', 'body'],
    why: 'a Scale whose metadata.name differs from the URL is accepted; it must be 400 "the name of the object (other) does not match the name on the URL"' },
  { comparison: KUBE, request: 'scale put negative replicas', aspect: ['status', 'reason', 'causes', 'body'],
    why: 'negative replicas through /scale are 400 BadRequest; kube-apiserver answers 422 Invalid with spec.replicas causes' },
  { comparison: KUBE, request: 'scale in v1beta1 (none)', aspect: 'body', path: /^details\./,
    why: 'the 404 for a subresource the version does not have lacks details (group, kind, name)' },
  { comparison: KUBE, request: /^v1beta1 /, aspect: 'body', path: 'spec.replicas', reference: 'number', ours: '(absent)',
    why: 'the storage version\'s defaults (v1 spec.replicas: 1) are not applied when an object is read in another version, as kube-apiserver applies them on decoding from storage' },
];
