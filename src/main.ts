#!/usr/bin/env -S node --max-semi-space-size=4
/** Entry point of the `aggregated-apiserver` binary. */
import { newCommand } from './cmd/cli.js';

newCommand()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
