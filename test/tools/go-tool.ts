/**
 * Builds Go programs from the Go module proxy with the machine's Go toolchain, at pinned versions, into a
 * cache shared by every test run (`~/.cache/aggregated-apiserver/bin/<name>-<version>`): a tool that
 * `go install pkg@version` can build, or a main package that needs a go.mod of its own (replace directives).
 */
import { execFile } from 'node:child_process';
import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
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

async function requireGo(what: string, target: string): Promise<void> {
  try {
    await run('go', ['version'], process.env, 30_000);
  } catch {
    throw new Error(
      `building ${what} needs the Go toolchain, and \`go\` is not on PATH; ` +
        `install Go (https://go.dev/dl/) or put the binary at ${target}`,
    );
  }
}

function buildError(what: string, err: unknown): Error {
  const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
  return new Error(`${what} failed (is the Go module proxy in \`go env GOPROXY\` reachable?): ${stderr || (err as Error).message}`);
}

/** Returns the path of the tool's binary, building it first if the cache does not have it yet. */
export async function ensureGoTool(tool: GoTool, timeoutMs = 20 * 60_000): Promise<string> {
  const target = join(toolCacheDir, `${tool.name}-${tool.version}`);
  if (await isExecutable(target)) return target;
  await requireGo(`${tool.pkg}@${tool.version}`, target);

  await mkdir(toolCacheDir, { recursive: true });
  const gobin = join(toolCacheDir, `.gobin-${tool.name}-${tool.version}`);
  // flock: test files run in parallel workers, and a second build of a large module would cost the
  // shared 2-core machine minutes; the waiter finds the binary in place once the lock is free.
  // nice: the build must not starve everyone else's tests. CGO_ENABLED=0: a static binary, no C compiler.
  const script = '[ -x "$1" ] || { nice -n 19 go install -ldflags "$4" "$2" && mv "$GOBIN/$3" "$1"; }';
  const env = { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' };
  try {
    await run(
      'flock',
      [`${target}.lock`, 'sh', '-c', script, 'sh', target, `${tool.pkg}@${tool.version}`, tool.name, (tool.ldflags ?? []).join(' ')],
      env,
      timeoutMs,
    );
  } catch (err) {
    throw buildError(`go install ${tool.pkg}@${tool.version}`, err);
  }
  if (!(await isExecutable(target))) throw new Error(`go install ${tool.pkg}@${tool.version} did not produce ${target}`);
  return target;
}

export interface GoModuleBuild {
  /** The cached binary's name. */
  name: string;
  /** The cache key: the version of the module that holds `pkg`. */
  version: string;
  /** The main package to build. */
  pkg: string;
  /** The go.mod text the build runs in (its requirements and replace directives pin every version); asked only for a build. */
  goMod: () => Promise<string>;
  /** Source files written beside go.mod (name -> text), for a main package of the tests' own (`pkg: '.'`). */
  files?: Record<string, string>;
  ldflags?: string[];
}

/**
 * Returns the path of a binary built from a main package inside a throw-away module (for programs whose
 * own go.mod has replace directives, which `go install pkg@version` refuses), building it once.
 * `-mod=mod` resolves only what the package imports, far less than `go mod tidy` would download.
 */
export async function ensureGoModuleBuild(build: GoModuleBuild, timeoutMs = 60 * 60_000): Promise<string> {
  const target = join(toolCacheDir, `${build.name}-${build.version}`);
  if (await isExecutable(target)) return target;
  await requireGo(`${build.pkg} ${build.version}`, target);

  const moduleDir = join(toolCacheDir, `.module-${build.name}-${build.version}`);
  await mkdir(moduleDir, { recursive: true });
  await writeFile(join(moduleDir, 'go.mod'), await build.goMod());
  for (const [name, text] of Object.entries(build.files ?? {})) await writeFile(join(moduleDir, name), text);
  // The same flock and nice as ensureGoTool: one build at a time, never starving the tests around it.
  const script = '[ -x "$1" ] || { cd "$2" && nice -n 19 go build -mod=mod -ldflags "$4" -o "$1.tmp" "$3" && mv "$1.tmp" "$1"; }';
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' };
  try {
    await run(
      'flock',
      [`${target}.lock`, 'sh', '-c', script, 'sh', target, moduleDir, build.pkg, (build.ldflags ?? []).join(' ')],
      env,
      timeoutMs,
    );
  } catch (err) {
    throw buildError(`go build ${build.pkg} (${build.version})`, err);
  }
  if (!(await isExecutable(target))) throw new Error(`go build ${build.pkg} did not produce ${target}`);
  return target;
}

/** The go.mod of a module version, as the module proxy serves it (`go mod download`, no build). */
export async function goModOf(module: string, version: string): Promise<string> {
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@${version}`], process.env, 20 * 60_000);
    const info = JSON.parse(stdout) as { GoMod?: string; Error?: string };
    if (info.Error || !info.GoMod) throw new Error(info.Error ?? 'no go.mod in the answer');
    return await readFile(info.GoMod, 'utf8');
  } catch (err) {
    throw buildError(`go mod download ${module}@${version}`, err);
  }
}
