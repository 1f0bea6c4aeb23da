/**
 * The shape of options, as k8s.io/apiserver's `pkg/server/options` gives it: groups of flags by concern,
 * each adding its flags, validating them and turning them into the typed config the server takes; and a
 * subcommand's options, made of the groups it needs.
 */
import type { Command } from 'commander';

export interface OptionGroup {
  addFlags(cmd: Command): void;
  /** Every problem with the group's values; absent where the flags' parsers already refuse bad values. */
  validate?(): string[];
}

/** A group's flag values, named as commander names them (`--secure-port` is `securePort`): its fields. */
export type Flags<G> = { [K in keyof G as G[K] extends (...args: never[]) => unknown ? never : K]: G[K] };

/**
 * A subcommand's options. Commander parses a command line into one flat record where cobra would write
 * each flag into its group's field, so `applyFlags` hands each group the values named as its fields (a
 * value left undefined keeps the default): every field of a group must therefore be initialised, if only
 * to undefined, and named as its flag.
 */
export abstract class CommandOptions<F> {
  /** The groups, in the order their flags are listed by --help. */
  protected abstract groups(): OptionGroup[];

  addFlags(cmd: Command): Command {
    for (const g of this.groups()) g.addFlags(cmd);
    return cmd;
  }

  applyFlags(values: Partial<F>): this {
    const given = values as Record<string, unknown>;
    for (const g of this.groups()) {
      const fields = g as unknown as Record<string, unknown>;
      for (const key of Object.keys(fields)) {
        if (given[key] !== undefined) fields[key] = given[key];
      }
    }
    return this;
  }

  /** Fills what one group's flags default in another's; nothing, unless a subcommand says otherwise. */
  complete(): this {
    return this;
  }

  /** Every problem at once, not just the first. */
  validate(): string[] {
    return this.groups().flatMap((g) => g.validate?.() ?? []);
  }
}
