/**
 * Builds a Go command-line tool from the Go module proxy with the machine's Go toolchain, at a pinned
 * version, into a cache shared by every test run (`~/.cache/aggregated-apiserver/bin/<name>-<version>`).
 */
import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface GoTool {
  /** The binary's name, as `go install` writes it (the last element of the package path). */
  name: string;
  /** The main package, e.g. `helm.sh/helm/v3/cmd/helm`. */
  pkg: string;
  /** A module version: pinned, so every machine tests with the same tool. */
  version: string;
  /** `-X` settings and such, as the project's own Makefile passes them to its release builds. */
  ldflags?: string[];
}

export const toolCacheDir = join(homedir(), '.cache', 'aggregated-apiserver', 'bin');

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the path of the tool's binary, building it first if the cache does not have it yet. */
export async function ensureGoTool(tool: GoTool, timeoutMs = 20 * 60_000): Promise<string> {
  const target = join(toolCacheDir, `${tool.name}-${tool.version}`);
  if (await isExecutable(target)) return target;

  try {
    await run('go', ['version'], process.env, 30_000);
  } catch {
    throw new Error(
      `building ${tool.pkg}@${tool.version} needs the Go toolchain, and \`go\` is not on PATH; ` +
        `install Go (https://go.dev/dl/) or put a ${tool.name} binary at ${target}`,
    );
  }

  await mkdir(toolCacheDir, { recursive: true });
  const gobin = join(toolCacheDir, `.gobin-${tool.name}-${tool.version}`);
  // flock: test files run in parallel workers, and a second build of a large module would cost the
  // shared 2-core machine minutes; the waiter finds the binary in place once the lock is free.
  // nice: the build must not starve everyone else's tests. CGO_ENABLED=0: a static binary, no C compiler.
  const script = '[ -x "$1" ] || { nice -n 19 go install -ldflags "$4" "$2" && mv "$GOBIN/$3" "$1"; }';
  const env = { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' };
  try {
    await run('flock', [`${target}.lock`, 'sh', '-c', script, 'sh', target, `${tool.pkg}@${tool.version}`, tool.name, (tool.ldflags ?? []).join(' ')], env, timeoutMs);
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(
      `go install ${tool.pkg}@${tool.version} failed (is the Go module proxy in \`go env GOPROXY\` reachable?): ` +
        (stderr || (err as Error).message),
    );
  }
  if (!(await isExecutable(target))) throw new Error(`go install ${tool.pkg}@${tool.version} did not produce ${target}`);
  return target;
}
