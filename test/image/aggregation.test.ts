/**
 * deploy/ installed into a real kube-apiserver with our server running from the container image (podman),
 * as the StatefulSet's pod runs it: the request path user -> kube-apiserver -> aggregator -> the container.
 * Not part of `npm test` (it needs the image): test/image/run.sh builds the image and runs this file with
 * AGGREGATED_APISERVER_IMAGE naming it. Without the image it fails; it never skips.
 */
import { execFile } from 'node:child_process';
import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kubectl } from '../support/kubectl.js';
import { waitAvailable } from '../e2e/apiservice.js';
import type { ControlPlane } from '../e2e/control-plane.js';
import type { ExtensionServer } from '../e2e/extension-server.js';
import { DEPLOY_NAMESPACE, installAndStart, WARDLE_API_SERVICES } from '../e2e/install.js';
import { freePort } from '../e2e/process.js';
import { BUILD_TIMEOUT_MS, startControlPlane } from '../e2e/suite.js';

const run = promisify(execFile);
const image = process.env.AGGREGATED_APISERVER_IMAGE ?? '';

const flunder = (name: string) => `apiVersion: wardle.example.com/v1alpha1
kind: Flunder
metadata:
  name: ${name}
  namespace: default
spec:
  reference: ${name}-ref
`;

let cp: ControlPlane;
let admin: Kubectl;
let server: ExtensionServer;
let port: number;

describe('deploy/ with the server in its container image', () => {
  beforeAll(async () => {
    if (!image) throw new Error('AGGREGATED_APISERVER_IMAGE is not set: run test/image/run.sh, which builds the image');
    await run('podman', ['image', 'exists', image]).catch(() => {
      throw new Error(`image ${image} is not in podman's storage: run test/image/run.sh`);
    });
    cp = await startControlPlane('image');
    admin = cp.kubectl();
    port = await freePort();
    server = await installAndStart(cp, port, { image });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await server?.process.stop(30_000);
    if (port) await run('podman', ['rm', '-f', '--ignore', `aggregated-apiserver-e2e-${port}`]).catch(() => {});
    await cp?.stop();
  });

  it('reports every APIService Available', async () => {
    const conditions = await waitAvailable(admin, WARDLE_API_SERVICES, () => server.process.tail());
    for (const c of conditions) expect(c).toMatchObject({ status: 'True', reason: 'Passed' });
  });

  it('creates, gets, lists and deletes a Flunder through kube-apiserver', async () => {
    await admin.ok(['create', '-f', '-'], flunder('in-a-container'));
    const got = JSON.parse(
      await admin.ok(['get', 'flunders.v1alpha1.wardle.example.com', 'in-a-container', '-n', 'default', '-o', 'json']),
    );
    expect(got.spec.reference).toBe('in-a-container-ref');
    const names = await admin.ok(['get', 'flunders', '-n', 'default', '-o', 'name']);
    expect(names.trim().split('\n')).toContain('flunder.wardle.example.com/in-a-container');
    await admin.ok(['delete', 'flunder', 'in-a-container', '-n', 'default']);
    const after = await admin.run(['get', 'flunder', 'in-a-container', '-n', 'default']);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/NotFound|not found/);
  });

  it("stops on SIGTERM with exit code 0 within the chart's terminationGracePeriodSeconds (30)", async () => {
    const started = Date.now();
    await run('podman', ['kill', '--signal=TERM', `aggregated-apiserver-e2e-${port}`]);
    expect(await server.process.exit(30_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('serve without a /tmp volume says the file system is read-only when it writes its self-signed certificate', async () => {
    const token = (await admin.ok(['create', 'token', 'aggregated-apiserver', '-n', DEPLOY_NAMESPACE])).trim();
    const kubeconfig = await cp.tokenKubeconfig('no-tmp', token);
    await chown(kubeconfig, 65532, 65532);
    const data = join(cp.dir, 'no-tmp-data');
    await mkdir(data, { recursive: true });
    await chown(data, 65532, 65532);
    const result = await run(
      'podman',
      [
        'run',
        '--rm',
        '--pull=never',
        '--network=host',
        '--user=65532:65532',
        '--read-only',
        '--read-only-tmpfs=false',
        '--cap-drop=ALL',
        '--security-opt=no-new-privileges',
        '-v',
        `${data}:/var/lib/aggregated-apiserver`,
        '-v',
        `${kubeconfig}:/etc/aggregated-apiserver/kubeconfig:ro`,
        image,
        'serve',
        `--secure-port=${await freePort()}`,
        '--bind-address=127.0.0.1',
        '--data-dir=/var/lib/aggregated-apiserver',
        '--cert-dir=/tmp/certificates',
        '--kubeconfig=/etc/aggregated-apiserver/kubeconfig',
      ],
      { timeout: 60_000 },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/read-only file system/i);
    expect(result.stderr).not.toMatch(/ENOENT/);
  });
});
