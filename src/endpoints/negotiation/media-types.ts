/** Media types the server reads and writes, named once. */

export const JSON_MEDIA_TYPE = 'application/json';
export const YAML_MEDIA_TYPE = 'application/yaml';
export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH_YAML = 'application/apply-patch+yaml';

/** kube-apiserver's request body limit (`MaxRequestBodyBytes`, 3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
