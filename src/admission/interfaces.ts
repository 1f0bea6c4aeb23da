/**
 * Admission as k8s.io/apiserver defines it (`pkg/admission/interfaces.go`): every write is offered to
 * mutating plugins (which may change the object) and then, once the strategy has prepared and validated it,
 * to validating plugins (which may only refuse it). A plugin refuses by throwing a StatusError (403 Forbidden
 * by convention); anything else it throws is a 500.
 */
import type { KubeObject } from '../apimachinery/types.js';
import type { UserInfo } from '../authentication/user.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** What a plugin knows of the request (`admission.Attributes`). */
export interface Attributes {
  operation: Operation;
  /** The kind and resource of the URL's version. */
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  /** '' for the main resource, else `status` or `scale`. */
  subresource: string;
  namespace: string;
  name: string;
  /** The object to be written (CREATE, UPDATE); mutating plugins change it in place. */
  object?: KubeObject;
  /** The object as stored (UPDATE, DELETE). */
  oldObject?: KubeObject;
  dryRun: boolean;
  /** The requesting user; absent for writes the server makes itself. */
  userInfo?: UserInfo;
  /** The request's options as AdmissionReview sends them: a CreateOptions, UpdateOptions, PatchOptions or DeleteOptions. */
  options?: Record<string, unknown>;
  /** Where plugins add warnings for the response's `Warning` header. */
  warnings?: string[];
  /** Where plugins add annotations for the request's audit event (`<plugin's prefix>/<key>`). */
  auditAnnotations?: Record<string, string>;
  /**
   * The versions the resource is served in (`matchPolicy: Equivalent`): each version's kind, and a conversion of
   * an object of the attributes' version into another. Absent for resources served in one version only.
   */
  equivalents?: { versions: { version: string; kind: string }[]; convert(obj: KubeObject, version: string): KubeObject };
  /**
   * What the decoder does to a body, for an object a mutating plugin rewrote (a webhook's JSON patch): pruning
   * and defaulting in the attributes' version. Validation follows anyway, after admission.
   */
  normalize?(obj: KubeObject): KubeObject;
  /**
   * Server-side apply's merge of an apply configuration into an object of the attributes' version, by the
   * resource's schema (list types, map types), as a MutatingAdmissionPolicy's ApplyConfiguration mutation is
   * merged. Returns a new object; throws a plain Error when the configuration does not fit the schema.
   */
  applyConfiguration?(obj: KubeObject, configuration: Record<string, unknown>): KubeObject;
}

export interface MutationInterface {
  handles(operation: Operation): boolean;
  admit(attributes: Attributes): Promise<void>;
}

export interface ValidationInterface {
  handles(operation: Operation): boolean;
  validate(attributes: Attributes): Promise<void>;
}

/** One plugin may mutate, validate or both (NamespaceLifecycle validates, webhooks do either). */
export type Plugin = Partial<MutationInterface & ValidationInterface> & { name: string; handles(operation: Operation): boolean };
