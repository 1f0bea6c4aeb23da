import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { versionInfo } from './version.js';

/** k8s.io/apimachinery/pkg/version.Info's JSON fields, in order. */
const VERSION_INFO_FIELDS = [
  'major',
  'minor',
  'emulationMajor',
  'emulationMinor',
  'minCompatibilityMajor',
  'minCompatibilityMinor',
  'gitVersion',
  'gitCommit',
  'gitTreeState',
  'buildDate',
  'goVersion',
  'compiler',
  'platform',
];

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('versionInfo', () => {
  it("has version.Info's fields, with package.json's version, the Node version and the platform", () => {
    const info = versionInfo();
    expect(Object.keys(info)).toEqual(VERSION_INFO_FIELDS);
    expect(info.gitVersion).toBe(`v${pkg.version}`);
    expect(`${info.major}.${info.minor}`).toBe(pkg.version.split('.').slice(0, 2).join('.'));
    expect(info.goVersion).toBe(`node ${process.version}`);
    expect(info.platform).toBe(`${process.platform}/${process.arch}`);
  });

  it("run from source, names the checkout's commit (or says it does not know one)", () => {
    let head = 'unknown';
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {}
    expect(versionInfo().gitCommit).toBe(head);
    expect(versionInfo().buildDate).toBe('unknown');
  });
});

describe('write-build-info.mjs', () => {
  // A copy of the script in a folder of the same shape that is no git checkout: it writes <root>/dist/build-info.json.
  const root = mkdtempSync(join(tmpdir(), 'build-info-'));
  mkdirSync(join(root, 'src', 'version'), { recursive: true });
  copyFileSync(new URL('./write-build-info.mjs', import.meta.url), join(root, 'src', 'version', 'write-build-info.mjs'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const run = (env: Record<string, string>): { gitCommit: string; gitTreeState: string; buildDate: string } => {
    const { GIT_COMMIT: _c, GIT_TREE_STATE: _t, SOURCE_DATE_EPOCH: _d, ...inherited } = process.env;
    execFileSync(process.execPath, [join(root, 'src', 'version', 'write-build-info.mjs')], {
      env: { ...inherited, GIT_CEILING_DIRECTORIES: tmpdir(), ...env },
    });
    return JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8'));
  };

  it('records $GIT_COMMIT, and $SOURCE_DATE_EPOCH as the build date', () => {
    expect(run({ GIT_COMMIT: 'abc123', GIT_TREE_STATE: 'clean', SOURCE_DATE_EPOCH: '1700000000' })).toEqual({
      gitCommit: 'abc123',
      gitTreeState: 'clean',
      buildDate: '2023-11-14T22:13:20Z',
    });
  });

  it('outside a checkout and without $GIT_COMMIT records no commit, and the time of the build', () => {
    const info = run({});
    expect(info.gitCommit).toBe('');
    expect(Date.now() - Date.parse(info.buildDate)).toBeLessThan(60_000);
    expect(info.buildDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});
