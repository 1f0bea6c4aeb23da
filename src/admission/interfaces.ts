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
