/** ensureGoTool's failures say what is missing: the Go toolchain, or the module proxy. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ensureGoModuleBuild, ensureGoTool, toolCacheDir } from './go-tool.js';

const saved = { ...process.env };
const tool = { name: 'no-such-tool', pkg: 'example.invalid/no-such-tool/cmd/no-such-tool', version: 'v0.0.1' };

const moduleBuild = {
  name: 'no-such-build',
  version: 'v0.0.1',
  pkg: 'example.invalid/no-such-build',
  goMod: async () => 'module e2e/x\n\ngo 1.26.0\n\nrequire example.invalid/no-such-build v0.0.1\n',
};

afterEach(async () => {
  process.env = { ...saved };
  await rm(join(toolCacheDir, `${moduleBuild.name}-${moduleBuild.version}.lock`), { force: true });
  await rm(join(toolCacheDir, `.module-${moduleBuild.name}-${moduleBuild.version}`), { recursive: true, force: true });
  await rm(join(toolCacheDir, `${tool.name}-${tool.version}.lock`), { force: true });
  await rm(join(toolCacheDir, `.gobin-${tool.name}-${tool.version}`), { recursive: true, force: true });
});

it('names the Go toolchain when `go` is not on PATH', async () => {
  process.env.PATH = '/nonexistent';
  await expect(ensureGoTool(tool)).rejects.toThrow(/needs the Go toolchain, and `go` is not on PATH/);
});

it('names the module proxy when the module cannot be fetched', async () => {
  // GOPROXY=off: the lookup fails at once, offline, as it would with the proxy unreachable.
  process.env.GOPROXY = 'off';
  await expect(ensureGoTool(tool)).rejects.toThrow(
    /go install example\.invalid\/no-such-tool\/cmd\/no-such-tool@v0\.0\.1 failed \(is the Go module proxy/,
  );
}, 60_000);

it('names the module proxy when a module build cannot fetch its requirements', async () => {
  process.env.GOPROXY = 'off';
  await expect(ensureGoModuleBuild(moduleBuild)).rejects.toThrow(
    /go build example\.invalid\/no-such-build \(v0\.0\.1\) failed \(is the Go module proxy/,
  );
}, 60_000);

it('names the Go toolchain for a module build when `go` is not on PATH', async () => {
  process.env.PATH = '/nonexistent';
  await expect(ensureGoModuleBuild(moduleBuild)).rejects.toThrow(/needs the Go toolchain, and `go` is not on PATH/);
});
