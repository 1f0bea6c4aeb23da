/** The Dockerfile and .dockerignore, checked without a Docker engine (the project's machines have none). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerignore, parseDockerfile, readDockerfile, splitFlags, stages, type Stage } from './dockerfile.js';
import { SERVER_NODE_FLAGS } from '../../bench/cannon.js';
import { repoRoot } from './manifests.js';

const { stages: all, included } = readDockerfile(repoRoot);
const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
const build = all[0] as Stage;
const runtime = all[all.length - 1] as Stage;
const keyword = (stage: Stage, k: string) => stage.instructions.filter((i) => i.keyword === k);
const execForm = (args: string): string[] => {
  const parsed = JSON.parse(args) as unknown;
  expect(Array.isArray(parsed) && parsed.every((a) => typeof a === 'string'), `${args} is exec form`).toBe(true);
  return parsed as string[];
};

describe('Dockerfile', () => {
  it('builds on node:24-bookworm-slim and runs on distroless nodejs24 as nonroot, both pinned by digest', () => {
    expect(all).toHaveLength(2);
    const pinned = /^(.+)@sha256:[0-9a-f]{64}$/;
    expect(build.image).toMatch(pinned);
    expect(build.image.replace(pinned, '$1')).toBe('node:24-bookworm-slim');
    expect(build.name).toBe('build');
    expect(runtime.image).toMatch(pinned);
    expect(runtime.image.replace(pinned, '$1')).toBe('gcr.io/distroless/nodejs24-debian13:nonroot');
    // How to move a digest is written where it is pinned.
    expect(text).toMatch(/imagetools inspect node:24-bookworm-slim/);
    expect(text).toMatch(/crane digest gcr\.io\/distroless\/nodejs24-debian13:nonroot/);
  });

  it('needs no registry for its frontend (no `# syntax=` line) and builds on the build platform', () => {
    expect(text).not.toMatch(/^#\s*syntax\s*=/im);
    expect(build.platform).toBe('$BUILDPLATFORM');
  });

  it('passes GIT_COMMIT (default empty) to the build, after npm ci so a commit keeps the dependency layer', () => {
    const args = keyword(build, 'ARG').map((a) => a.args);
    expect(args).toContain('GIT_COMMIT=""');
    const gitCommit = keyword(build, 'ARG').find((a) => a.args.startsWith('GIT_COMMIT'))?.line ?? 0;
    const npmCi = keyword(build, 'RUN').find((r) => r.args.includes('npm ci'))?.line ?? Infinity;
    const npmBuild = keyword(build, 'RUN').find((r) => r.args.includes('npm run build'));
    expect(gitCommit).toBeGreaterThan(npmCi);
    expect(npmBuild?.line).toBeGreaterThan(gitCommit);
    expect(npmBuild?.args).toMatch(/GIT_COMMIT="\$GIT_COMMIT" npm run build/);
  });

  it('labels the runtime image with the OCI annotations, version as package.json, revision from GIT_COMMIT', () => {
    const labels = keyword(runtime, 'LABEL')
      .map((l) => l.args)
      .join(' ');
    const value = (key: string) => new RegExp(`org\\.opencontainers\\.image\\.${key}="([^"]*)"`).exec(labels)?.[1];
    for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision']) expect(value(key), key).toBeDefined();
    expect(value('title')).toBe(pkg.name);
    expect(value('licenses')).toBe(pkg.license);
    expect(value('revision')).toMatch(/^\$\{GIT_COMMIT\}$/);
    expect(value('version')).toMatch(/^\$\{VERSION\}$/);
    const args = keyword(runtime, 'ARG').map((a) => a.args);
    expect(args).toEqual(expect.arrayContaining([`VERSION=${pkg.version}`, 'GIT_COMMIT=""']));
  });

  it('removes the source maps, whose sources the image does not hold', () => {
    const runs = keyword(build, 'RUN')
      .map((r) => r.args)
      .join(' ');
    expect(runs).toContain("find dist -name '*.map' -delete");
  });

  it('installs exactly from the lockfile, compiles, then drops dev dependencies', () => {
    const runs = keyword(build, 'RUN')
      .map((r) => r.args)
      .join(' && ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).not.toMatch(/npm install\b/);
    expect(runs.indexOf('npm ci')).toBeLessThan(runs.indexOf('npm run build'));
    expect(runs.indexOf('npm run build')).toBeLessThan(runs.indexOf('npm prune --omit=dev'));
  });

  it('checks that the LevelDB prebuilds for linux/amd64 and arm64 are in the image', () => {
    const runs = keyword(build, 'RUN')
      .map((r) => r.args)
      .join(' ');
    expect(runs).toContain('prebuilds/linux-x64/classic-level.node');
    expect(runs).toContain('prebuilds/linux-arm64/classic-level.armv8.node');
  });

  it('runs as numeric uid:gid 65532, so the kubelet can enforce runAsNonRoot', () => {
    const users = keyword(runtime, 'USER');
    expect(users.map((u) => u.args)).toEqual(['65532:65532']);
  });

  it('starts node itself on /app/dist/main.js in exec form, absolute paths, so SIGTERM reaches the server', () => {
    const [entrypoint] = keyword(runtime, 'ENTRYPOINT');
    expect(execForm(entrypoint?.args ?? 'null')).toEqual(['/nodejs/bin/node', ...SERVER_NODE_FLAGS, '/app/dist/main.js']);
    const [cmd] = keyword(runtime, 'CMD');
    const args = execForm(cmd?.args ?? 'null');
    expect(args[0]).toBe('serve');
    expect(args).toContain('--secure-port=8443');
    expect(keyword(runtime, 'EXPOSE').map((e) => e.args)).toEqual(['8443']);
    expect(all.flatMap((s) => s.instructions).some((i) => /npm (start|run start)/.test(i.args))).toBe(false);
  });

  it('runs node with the flags the bench measures, as npm start and the #! line of dist/main.js do', () => {
    const flags = SERVER_NODE_FLAGS.join(' ');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${flags} dist/main.js local`);
    expect(readFileSync(join(repoRoot, 'src/main.ts'), 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
  });

  it('gives the runtime what node dist/main.js needs: package.json, node_modules, dist, definitions', () => {
    const copied = keyword(runtime, 'COPY').map((c) => splitFlags(c.args).operands.at(-1));
    expect(copied).toEqual(expect.arrayContaining(['./', './node_modules', './dist', './definitions']));
    expect(keyword(runtime, 'WORKDIR').map((w) => w.args)).toEqual(['/app']);
  });

  it('copies only from earlier stages and from files that exist and .dockerignore lets through', () => {
    for (const [index, stage] of all.entries()) {
      for (const copy of [...keyword(stage, 'COPY'), ...keyword(stage, 'ADD')]) {
        expect(copy.keyword, 'COPY, not ADD').toBe('COPY');
        const { flags, operands } = splitFlags(copy.args);
        const from = flags.get('from');
        if (from !== undefined) {
          expect(all.slice(0, index).map((s) => s.name)).toContain(from);
          continue;
        }
        for (const src of operands.slice(0, -1)) {
          expect(existsSync(join(repoRoot, src)), `${src} (line ${copy.line}) exists`).toBe(true);
          expect(included(src), `${src} (line ${copy.line}) is in the build context`).toBe(true);
        }
      }
    }
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, git, tests and deploy files out of the context', () => {
    for (const path of [
      'node_modules/fastify/package.json',
      'dist/main.js',
      '.git/HEAD',
      'test/deploy/chart.test.ts',
      'charts/aggregated-apiserver/values.yaml',
      'deploy/tls/tls.key',
      'data/leveldb/CURRENT',
      'src/cmd/options.test.ts',
    ]) {
      expect(included(path), path).toBe(false);
    }
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
      'src/main.ts',
      'src/cmd/options.ts',
      'definitions/flunders.yaml',
    ]) {
      expect(included(path), path).toBe(true);
    }
  });
});

describe('the checker itself', () => {
  it('reads continuations, stages and flags as Docker does', () => {
    const s = stages(
      parseDockerfile('# c\nFROM --platform=$BUILDPLATFORM a:1 AS b\nRUN x \\\n  # note\n  && y\nFROM c\nCOPY --from=b /x ./y\n'),
    );
    expect(s.map((x) => [x.platform, x.image, x.name])).toEqual([
      ['$BUILDPLATFORM', 'a:1', 'b'],
      [undefined, 'c', undefined],
    ]);
    expect(s[0]?.instructions[0]?.args).toBe('x  && y');
    expect(splitFlags('--from=b /x ./y')).toEqual({ flags: new Map([['from', 'b']]), operands: ['/x', './y'] });
  });

  it('matches .dockerignore patterns with the last match winning', () => {
    const ok = dockerignore('*\n!src\nsrc/**/*.test.ts\n!src/keep.test.ts\n');
    expect([
      ok('src/a.ts'),
      ok('src/a.test.ts'),
      ok('src/x/y/a.test.ts'),
      ok('src/keep.test.ts'),
      ok('other'),
      ok('other/src/a.ts'),
    ]).toEqual([true, false, false, true, false, false]);
  });
});
