/**
 * What an operator reads of a running server: /version, the JSON log (slow requests, each with the audit ID
 * the response and the audit log carry), and the metrics of the certificates it serves with and trusts.
 * The real binary, in a process of its own, so its log is what it writes to stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionInfo } from '../../src/version/version.js';
import { call, type ClientIdentity } from '../support/client.js';
import { exited } from '../support/server-process.js';
import { tempDir } from '../support/local.js';

describe('operator tools: /version, logs, certificate metrics', () => {
  const dir = tempDir('operator-tools-');
  let child: ChildProcess;
  let url: string;
  let id: ClientIdentity;
  let stdout = '';
  const auditLog = join(dir.path, 'audit.log');
  const logLines = (): Record<string, any>[] =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  const auditEvents = (): Record<string, any>[] =>
    readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    const policy = join(dir.path, 'policy.yaml');
    writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n');
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main.ts',
        'local',
        `--data-dir=${join(dir.path, 'data')}`,
        '--secure-port=0',
        // Every request is slow, so each one writes its line.
        '--slow-request-threshold=1ms',
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${auditLog}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', () => {
        const m = /serving on (https:\/\/\S+)/.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${stdout}`)));
    });
    const local = join(dir.path, 'data', 'local');
    id = {
      ca: readFileSync(join(local, 'ca.crt'), 'utf8'),
      cert: readFileSync(join(local, 'admin.crt'), 'utf8'),
      key: readFileSync(join(local, 'admin.key'), 'utf8'),
    };
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
    }
    dir.remove();
  });

  it("serves kube-apiserver's version.Info with this build's version and commit", async () => {
    const res = await call(url, id, 'GET', '/version');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(versionInfo());
    expect(res.json.goVersion).toBe(`node ${process.version}`);
  });

  it('logs a slow request as one JSON line with the audit ID that the response and the audit log carry', async () => {
    const flunders = '/apis/wardle.example.com/v1alpha1/namespaces/default/flunders';
    const given = await call(url, id, 'GET', flunders, undefined, { 'Audit-ID': 'operator-tools-1' });
    const made = await call(url, id, 'GET', `${flunders}/missing`);
    expect(given.headers['audit-id']).toBe('operator-tools-1');
    const madeID = made.headers['audit-id'] as string;
    expect(madeID).toMatch(/^[0-9a-f-]{36}$/);
    const line = async (auditID: string) => {
      await expect.poll(() => logLines().some((l) => l.auditID === auditID), { timeout: 5000 }).toBe(true);
      return logLines().find((l) => l.auditID === auditID)!;
    };
    expect(await line('operator-tools-1')).toMatchObject({ level: 30, msg: 'slow request', verb: 'list', url: flunders, code: 200 });
    expect(await line(madeID)).toMatchObject({ msg: 'slow request', verb: 'get', code: 404 });
    await expect
      .poll(() => auditEvents().filter((e) => [madeID, 'operator-tools-1'].includes(e.auditID) && e.stage === 'ResponseComplete').length)
      .toBe(2);
  });

  it("exports the serving certificate's and the client CA's notAfter", async () => {
    const res = await call(url, id, 'GET', '/metrics');
    const local = join(dir.path, 'data', 'local');
    const notAfter = (file: string): number => Date.parse(new X509Certificate(readFileSync(join(local, file))).validTo) / 1000;
    expect(res.text).toContain(`apiserver_certificate_expiration_timestamp_seconds{certificate="serving"} ${notAfter('serving.crt')}`);
    expect(res.text).toContain(`apiserver_certificate_expiration_timestamp_seconds{certificate="client-ca"} ${notAfter('ca.crt')}`);
  });
});
