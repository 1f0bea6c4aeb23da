/**
 * This build's version, as k8s.io/component-base/version gives kube-apiserver's: the `version.Info` that
 * `/version` serves and `aggregated-apiserver version` prints. The version is package.json's; the commit and
 * build date are what `npm run build` recorded in dist/build-info.json (write-build-info.mjs). Run from
 * source there is no such file: the commit is read from the checkout, and the build date is "unknown".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The fields of Kubernetes' `version.Info`, in its order and with its JSON names. */
export interface Info {
  major: string;
  minor: string;
  emulationMajor: string;
  emulationMinor: string;
  minCompatibilityMajor: string;
  minCompatibilityMinor: string;
  gitVersion: string;
  gitCommit: string;
  /** "clean" or "dirty"; empty when the build could not tell. */
  gitTreeState: string;
  buildDate: string;
  /**
   * The language runtime the server runs on, where Go servers name their Go release: `node v24.1.0`. Kept in
   * `goVersion` (not a field of our own) because clients decode /version into `version.Info` and print it.
   */
  goVersion: string;
  compiler: string;
  platform: string;
}

interface BuildInfo {
  gitCommit?: string;
  gitTreeState?: string;
  buildDate?: string;
}

const UNKNOWN = 'unknown';

function readJson<T>(url: URL): T | undefined {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Run from source (src/version/), the checkout's HEAD; nothing outside a git checkout or without git. */
function sourceBuildInfo(): BuildInfo {
  try {
    const gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: new URL('../../', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return { gitCommit };
  } catch {
    return {};
  }
}

let cached: Info | undefined;

/** package.json's version: from dist/version/ or src/version/ alike, package.json is two folders up. */
export function packageVersion(): string {
  return readJson<{ version: string }>(new URL('../../package.json', import.meta.url))?.version ?? '0.0.0';
}

export function versionInfo(): Info {
  if (cached) return cached;
  // build-info.json is one folder up from dist/version/.
  const build = readJson<BuildInfo>(new URL('../build-info.json', import.meta.url)) ?? sourceBuildInfo();
  const version = packageVersion();
  const [major = '0', minor = '0'] = version.split('.');
  cached = {
    major,
    minor,
    // Compatibility versions as k8s.io/apiserver reports them: the server emulates itself, and speaks with the minor before.
    emulationMajor: major,
    emulationMinor: minor,
    minCompatibilityMajor: major,
    minCompatibilityMinor: String(Math.max(0, Number(minor) - 1)),
    gitVersion: `v${version}`,
    gitCommit: build.gitCommit || UNKNOWN,
    gitTreeState: build.gitTreeState ?? '',
    buildDate: build.buildDate || UNKNOWN,
    goVersion: `node ${process.version}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch}`,
  };
  return cached;
}
