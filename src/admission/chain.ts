/**
 * The admission chain (`admission.NewChainHandler`): plugins in their configured order, every mutating one
 * first (in `admit`), every validating one later (in `validate`). With no plugins both are no-ops, which is
 * what the server runs until admission plugins are configured.
 */
import type { Attributes, Plugin } from './interfaces.js';

export interface AdmissionChain {
  /** Runs the mutating plugins that handle the operation, in order; they may change `attributes.object`. */
  admit(attributes: Attributes): Promise<void>;
  /** Runs the validating plugins that handle the operation, in order; the first refusal wins. */
  validate(attributes: Attributes): Promise<void>;
}

export function newAdmissionChain(plugins: Plugin[]): AdmissionChain {
  return {
    async admit(attributes) {
      for (const p of plugins) if (p.admit && p.handles(attributes.operation)) await p.admit(attributes);
    },
    async validate(attributes) {
      for (const p of plugins) if (p.validate && p.handles(attributes.operation)) await p.validate(attributes);
    },
  };
}

export const NO_ADMISSION: AdmissionChain = newAdmissionChain([]);
