import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { versionInfo } from '../version/version.js';
import { formatVersion } from './version.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('aggregated-apiserver version', () => {
  const info = { ...versionInfo(), gitCommit: 'abc123', gitTreeState: 'dirty', buildDate: '2026-01-02T03:04:05Z' };

  it('prints version, commit, build date, Node version and platform', () => {
    expect(formatVersion(info, 'text')).toBe(
      [
        `Version:      v${pkg.version}`,
        'Git commit:   abc123 (dirty)',
        'Build date:   2026-01-02T03:04:05Z',
        `Node version: ${process.version}`,
        `Platform:     ${process.platform}/${process.arch}`,
        '',
      ].join('\n'),
    );
  });

  it('prints the version.Info object as JSON or YAML with -o', () => {
    expect(JSON.parse(formatVersion(info, 'json'))).toEqual(info);
    expect(parse(formatVersion(info, 'yaml'))).toEqual(info);
  });
});
