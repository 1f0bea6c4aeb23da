/**
 * Admission plugins (`pkg/server/options/admission.go`): which of the generic server's plugins run, in
 * upstream's order whatever the order of the flags. An extension server enables them all by default.
 */
import type { Command } from 'commander';
import { list } from './parse.js';

/** The plugins we implement, in the order they run (upstream's `RecommendedPluginOrder`). */
export const ADMISSION_PLUGINS = [
  'NamespaceLifecycle',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
] as const;
export type AdmissionPluginName = (typeof ADMISSION_PLUGINS)[number];

export class AdmissionOptions {
  enableAdmissionPlugins: string[] | undefined = undefined;
  disableAdmissionPlugins: string[] | undefined = undefined;

  addFlags(cmd: Command): void {
    cmd
      .option(
        '--enable-admission-plugins <names>',
        `admission plugins to enable besides the default ones (${ADMISSION_PLUGINS.join(', ')}, all enabled by default)`,
        list,
      )
      .option('--disable-admission-plugins <names>', 'admission plugins to disable, even if enabled by default', list);
  }

  validate(): string[] {
    const known = new Set<string>(ADMISSION_PLUGINS);
    const errs: string[] = [];
    for (const [flag, names] of [
      ['--enable-admission-plugins', this.enableAdmissionPlugins],
      ['--disable-admission-plugins', this.disableAdmissionPlugins],
    ] as const) {
      for (const name of names ?? []) {
        if (!known.has(name)) errs.push(`${flag}: unknown admission plugin "${name}"; known plugins: ${ADMISSION_PLUGINS.join(', ')}`);
      }
    }
    return errs;
  }

  /** The plugins that run, in upstream's order. */
  enabled(): AdmissionPluginName[] {
    const disabled = new Set(this.disableAdmissionPlugins ?? []);
    return ADMISSION_PLUGINS.filter((p) => !disabled.has(p));
  }
}
