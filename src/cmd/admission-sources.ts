/**
 * The admission plugins `serve` runs, and the informers they read: the cluster's namespaces (NamespaceLifecycle,
 * and the namespaceSelector of webhooks and policies), its webhook configurations, its Mutating and
 * ValidatingAdmissionPolicies and their bindings. An informer starts only for a plugin that is enabled; params are our own resources.
 */
import type * as k8s from '@kubernetes/client-node';
import type { Plugin } from '../admission/interfaces.js';
import { mutatingAdmissionPolicy } from '../admission/plugins/policy/mutating/mutating-admission-policy.js';
import type { MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding } from '../admission/plugins/policy/mutating/types.js';
import { namespaceLifecycle } from '../admission/plugins/namespace-lifecycle.js';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../admission/plugins/policy/validating/types.js';
import { validatingAdmissionPolicy } from '../admission/plugins/policy/validating/validating-admission-policy.js';
import {
  type MutatingWebhookConfiguration,
  mutatingWebhook,
  type ValidatingWebhookConfiguration,
  validatingWebhook,
} from '../admission/plugins/webhook/index.js';
import type { ResourceDefinition } from '../registry/definitions/types.js';
import { ownParams } from '../registry/params.js';
import { kubeNamespaces } from '../server/kube-namespaces.js';
import { clusterResource, type WatchedList, watchedList } from '../server/kube-watched-list.js';
import type { Storage } from '../storage/interfaces.js';
import type { AdmissionPluginName } from './options/admission.js';

const ADMISSION_REGISTRATION = { group: 'admissionregistration.k8s.io', version: 'v1' };

export interface CachedAdmission {
  plugins: Plugin[];
  stop(): Promise<void>;
}

export function cachedAdmission(
  enabled: readonly AdmissionPluginName[],
  kc: k8s.KubeConfig,
  definitions: readonly ResourceDefinition[],
  storage: Storage,
  warn: (msg: string, err?: unknown) => void,
): CachedAdmission {
  const lists: WatchedList<unknown>[] = [];
  const watch = <T extends { metadata?: { name?: string } }>(resource: string): WatchedList<T> => {
    const list = watchedList<T>(kc, clusterResource(kc, { ...ADMISSION_REGISTRATION, resource }), warn);
    lists.push(list as WatchedList<unknown>);
    list.start();
    return list;
  };
  const namespaces = enabled.length > 0 ? kubeNamespaces(kc, warn) : undefined;
  namespaces?.start();
  const plugins: Plugin[] = [];
  for (const name of enabled) {
    switch (name) {
      case 'NamespaceLifecycle':
        if (namespaces) plugins.push(namespaceLifecycle(namespaces));
        break;
      case 'ValidatingAdmissionPolicy':
        plugins.push(
          validatingAdmissionPolicy({
            policies: watch<ValidatingAdmissionPolicy>('validatingadmissionpolicies'),
            bindings: watch<ValidatingAdmissionPolicyBinding>('validatingadmissionpolicybindings'),
            namespaces,
            params: ownParams(definitions, storage),
          }),
        );
        break;
      case 'MutatingAdmissionWebhook':
        plugins.push(mutatingWebhook({ configurations: watch<MutatingWebhookConfiguration>('mutatingwebhookconfigurations'), namespaces }));
        break;
      case 'ValidatingAdmissionWebhook':
        plugins.push(
          validatingWebhook({ configurations: watch<ValidatingWebhookConfiguration>('validatingwebhookconfigurations'), namespaces }),
        );
        break;
      case 'MutatingAdmissionPolicy':
        plugins.push(
          mutatingAdmissionPolicy({
            policies: watch<MutatingAdmissionPolicy>('mutatingadmissionpolicies'),
            bindings: watch<MutatingAdmissionPolicyBinding>('mutatingadmissionpolicybindings'),
            namespaces,
            params: ownParams(definitions, storage),
          }),
        );
        break;
    }
  }
  return {
    plugins,
    async stop() {
      await Promise.all([namespaces?.stop(), ...lists.map((l) => l.stop())]);
    },
  };
}
