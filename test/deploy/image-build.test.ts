/**
 * The Dockerfile's build stage, run outside Docker (the project's machines have no engine): the build
 * context as .dockerignore makes it, then the stage's own RUN lines in order, then the checks the runtime
 * stage depends on. Slow (npm ci on 2 cores, about a minute), so it runs once, niced.
 */
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contextFiles, readDockerfile } from './dockerfile.js';
import { exec, execOk, repoRoot } from './manifests.js';

const { stages, included } = readDockerfile(repoRoot);
let app: string;

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'image-build-'));
  for (const file of contextFiles(repoRoot, included)) {
    await mkdir(dirname(join(app, file)), { recursive: true });
    await cp(join(repoRoot, file), join(app, file));
  }
  for (const run of stages[0]?.instructions.filter((i) => i.keyword === 'RUN') ?? []) {
    await execOk('nice', ['-n', '19', 'sh', '-c', run.args], { cwd: app, timeoutMs: 240_000 });
  }
}, 300_000);

afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true });
});

it('compiles dist/main.js, without source maps, and keeps only production dependencies', () => {
  expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
  expect(existsSync(join(app, 'dist', 'main.js.map'))).toBe(false);
  expect(existsSync(join(app, 'node_modules', 'fastify'))).toBe(true);
  for (const dev of ['typescript', 'vitest', 'tsx', 'kubernetes-models'])
    expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
});

it('opens a LevelDB with the pruned node_modules (the prebuilt binary loads, nothing to compile)', async () => {
  const db = join(app, 'leveldb-probe');
  const script = `import('classic-level').then(async ({ ClassicLevel }) => {
    const db = new ClassicLevel(${JSON.stringify(db)});
    await db.put('k', 'v');
    process.stdout.write(await db.get('k'));
    await db.close();
  })`;
  expect(await execOk(process.execPath, ['-e', script], { cwd: app })).toBe('v');
});

it('starts: node dist/main.js --help exits 0', async () => {
  const r = await exec(process.execPath, ['dist/main.js', '--help'], { cwd: app });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('serve');
});

it('knows every flag the image, deploy/ and the chart pass to serve', async () => {
  const help = await execOk(process.execPath, ['dist/main.js', 'serve', '--help'], { cwd: app });
  const cmd = JSON.parse(stages.at(-1)?.instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];
  const manifests = [
    await readFile(join(repoRoot, 'deploy', 'statefulset.yaml'), 'utf8'),
    await readFile(join(repoRoot, 'deploy', 'ha', 'deployment.yaml'), 'utf8'),
    // The chart's pod template, shared by its StatefulSet and Deployment.
    await readFile(join(repoRoot, 'charts', 'aggregated-apiserver', 'templates', '_pod.tpl'), 'utf8'),
  ];
  const used = new Set([
    ...cmd.filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*/, '')),
    ...manifests.flatMap((s) => [...s.matchAll(/^\s*- (--[a-z][a-z0-9-]+)=/gm)].map((m) => m[1] as string)),
  ]);
  expect(used.size).toBeGreaterThanOrEqual(12);
  for (const flag of used) expect(help, flag).toContain(flag);
});
