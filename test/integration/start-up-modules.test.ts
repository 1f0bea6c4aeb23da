/**
 * What a server loads, and so holds in memory from its start: only what it uses. The CEL library is loaded for
 * definitions with x-kubernetes-validations, the X.509 library to make certificates, the Kubernetes client and
 * gRPC for a cluster and etcd; a `local` server on the built-in definitions that already has its certificates
 * needs none of them, nor Fastify's schema compilers. The real binary in its own process, every package it
 * loads traced (test/support/module-trace.mjs), after a start, a restart and a round of requests.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../support/client.js';
import { tempDir } from '../support/local.js';
import { exited, startServerProcess } from '../support/server-process.js';

const NEVER_LOADED = [
  '@marcbachmann/cel-js',
  '@peculiar/x509',
  '@kubernetes/client-node',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'ajv',
];

const FLUNDERS = '/apis/wardle.example.com/v1alpha1/namespaces/default/flunders';

describe('start-up: the packages a server loads', () => {
  const dir = tempDir('start-up-modules-');
  afterAll(() => dir.remove());

  /** The packages a `local` server loaded over its life: started, sent `requests`, stopped. */
  async function loaded(dataDir: string, args: string[], requests: (url: string, id: Parameters<typeof call>[1]) => Promise<void>) {
    const trace = join(dir.path, 'trace.txt');
    rmSync(trace, { force: true });
    const server = await startServerProcess(dataDir, args, {
      nodeArgs: ['--import', './test/support/module-trace.mjs'],
      env: { MODULE_TRACE: trace },
    });
    try {
      await requests(server.url, server.id);
    } finally {
      const done = exited(server.child);
      server.child.kill('SIGTERM');
      await done;
    }
    return new Set(readFileSync(trace, 'utf8').trim().split('\n'));
  }

  it('loads none of the heavy packages it does not use, serving the built-in definitions', async () => {
    const data = join(dir.path, 'builtin');
    // The first start makes the certificates, with the X.509 library: the trace sees it, so it sees imports.
    const first = await loaded(data, [], async () => {});
    expect(first).toContain('@peculiar/x509');
    expect(first).toContain('fastify');

    const second = await loaded(data, [], async (url, id) => {
      expect(
        (await call(url, id, 'POST', FLUNDERS, { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: 'f' } }))
          .status,
      ).toBe(201);
      expect((await call(url, id, 'GET', `${FLUNDERS}/f`)).status).toBe(200);
      expect((await call(url, id, 'GET', FLUNDERS, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).status).toBe(
        200,
      );
      const patch = { 'content-type': 'application/merge-patch+json' };
      expect((await call(url, id, 'PATCH', `${FLUNDERS}/f`, { metadata: { labels: { a: 'b' } } }, patch)).status).toBe(200);
      expect((await call(url, id, 'DELETE', `${FLUNDERS}/f`)).status).toBe(200);
    });
    expect(second).toContain('level');
    for (const name of NEVER_LOADED) expect([...second], name).not.toContain(name);
  });

  it('loads the CEL library when a definition has x-kubernetes-validations', async () => {
    const builtin = readFileSync('definitions/wardle.example.com.yaml', 'utf8');
    const withRule = builtin.replace(
      /(\n( +)openAPIV3Schema:\n\2 {2}type: object\n)/,
      '$1$2  x-kubernetes-validations:\n$2    - rule: "has(self.metadata)"\n',
    );
    expect(withRule).not.toBe(builtin);
    const defs = join(dir.path, 'with-rule.yaml');
    writeFileSync(defs, withRule);
    const data = join(dir.path, 'with-rule');
    await loaded(data, ['--api-definitions', defs], async () => {});
    expect(await loaded(data, ['--api-definitions', defs], async () => {})).toContain('@marcbachmann/cel-js');
  });
});
