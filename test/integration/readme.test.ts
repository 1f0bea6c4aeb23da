/**
 * The README's local-mode walk-through, run as written with the real kubectl against the real local mode: a
 * newcomer's first commands must work (and the README must not drift from the server).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { startTestServer, tempDir } from '../support/local.js';

/** The indented block that starts with `export KUBECONFIG=`, as shell text. */
function walkThrough(): string[] {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8').split('\n');
  const start = readme.findIndex((l) => l.startsWith('    export KUBECONFIG='));
  if (start < 0) throw new Error('README: no walk-through starting with "export KUBECONFIG="');
  const block: string[] = [];
  for (let i = start; i < readme.length && (readme[i] as string).startsWith('    '); i++) block.push((readme[i] as string).slice(4));
  return block;
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the README walk-through', () => {
  const dir = tempDir('readme-it-');
  let local: LocalServer;

  beforeAll(async () => {
    local = await startTestServer(dir.path);
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  it('runs as written, every command succeeding and changing what it says it changes', async () => {
    const lines = walkThrough();
    expect(lines[0]).toBe('export KUBECONFIG=$PWD/data/local/kubeconfig');
    // The one change: this server's kubeconfig, and `get -w` (which runs until interrupted) for a moment only.
    const script = [
      `export KUBECONFIG=${local.kubeconfigPath}`,
      ...lines
        .slice(1)
        .map((l) => (l.includes(' -w ') ? `timeout 2 ${l.replace(/#.*$/, '')} || [ $? -eq 124 ]` : l))
        .map((l) => (l.startsWith('kubectl get flunder my-first-flunder -o yaml') ? `${l} > "$WALKTHROUGH_YAML"` : l)),
    ].join('\n');
    const yamlFile = join(dir.path, 'walkthrough.yaml');
    const res = await bash(script, { ...process.env, WALKTHROUGH_YAML: yamlFile, HOME: dir.path });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('flunder.wardle.example.com/my-first-flunder created');
    expect(res.stdout).toContain('flunder.wardle.example.com/my-first-flunder patched');
    expect(res.stdout).not.toContain('(no change)');
    expect(res.stderr).not.toMatch(/unknown field|deprecated/);
    const shown = readFileSync(yamlFile, 'utf8');
    expect(shown).toContain('flunderReference: other');
    expect(shown).toContain('color: blue');
    expect(res.stdout).toContain('flunder.wardle.example.com "my-first-flunder" deleted');
  });
});
