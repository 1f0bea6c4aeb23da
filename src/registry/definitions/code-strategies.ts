/**
 * Rules a kind keeps in code beside its CRD-format definition (conversion between versions whose fields
 * differ, defaulting, validation), as the sample-apiserver's Flunder does. Whoever starts the server
 * registers them by group and kind and hands them to the loader, which knows no group by name.
 */
import type { Converter, Strategy } from './types.js';

export interface CodeStrategy extends Strategy {
  /** Conversion between the kind's versions; `none` (apiVersion only) is what a CRD's strategy None does. */
  conversion?(none: Converter): Converter;
}

export class CodeStrategies {
  private readonly byKind = new Map<string, CodeStrategy>();

  register(group: string, kind: string, strategy: CodeStrategy): this {
    this.byKind.set(`${kind}.${group}`, strategy);
    return this;
  }

  get(group: string, kind: string): CodeStrategy | undefined {
    return this.byKind.get(`${kind}.${group}`);
  }
}
