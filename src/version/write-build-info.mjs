#!/usr/bin/env node
/**
 * The build step after tsc: records the commit and date of this build in dist/build-info.json, which
 * src/version reads at run time. The commit comes from $GIT_COMMIT (the image build passes it, having no
 * .git), else from `git rev-parse HEAD` in a checkout, else it stays empty and is reported as "unknown".
 * $SOURCE_DATE_EPOCH, when set, fixes the build date (reproducible builds).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

let gitCommit = process.env.GIT_COMMIT?.trim() ?? '';
let gitTreeState = process.env.GIT_TREE_STATE?.trim() ?? '';
if (!gitCommit) {
  gitCommit = git('rev-parse', 'HEAD') ?? '';
  const changes = gitCommit ? git('status', '--porcelain', '--untracked-files=no') : undefined;
  if (changes !== undefined) gitTreeState = changes === '' ? 'clean' : 'dirty';
}
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = Number.isFinite(epoch) && process.env.SOURCE_DATE_EPOCH ? new Date(epoch * 1000) : new Date();
// RFC 3339 in seconds, as Kubernetes' `buildDate` ("2024-01-17T13:38:41Z").
const buildDate = date.toISOString().replace(/\.\d+Z$/, 'Z');

const out = new URL('dist/build-info.json', root);
mkdirSync(new URL('./', out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ gitCommit, gitTreeState, buildDate }, null, 2)}\n`);
