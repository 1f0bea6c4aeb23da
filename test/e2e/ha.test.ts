/**
 * deploy/ha behind a real kube-apiserver: three replicas, each in a network namespace of its own (a pod's
 * address), on a three-member etcd cluster reached over TLS with the client certificate of the Secret the
 * Deployment mounts. kube-apiserver routes to the Service's endpoints itself (--enable-aggregator-routing),
 * as it does in clusters whose control plane cannot reach ClusterIPs. No kubelet runs here: a prober in the
 * test stands in for the kubelet's readiness probe and the endpoints controller, publishing each replica
 * as ready or not in the Service's Endpoints and EndpointSlice as they would.
 *
 * Proven with clients running throughout (requests and a client-go-style watch that resumes from its last
 * resourceVersion, both through the aggregator): a rolling restart fails no request and loses no watch event;
 * kill -9 of a replica and of the etcd leader under write load lose no acknowledged write; an unreachable
 * etcd fails /readyz by name and requests with Status errors until it is back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { Server } from 'node:net';
import { cp as copy } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createCA, createCertificate } from '../../src/server/certificates/index.js';
import { deployDir, execOk, makeServingCert, parseManifests, type Obj } from '../deploy/manifests.js';
import { BackupOptions, runBackup } from '../../src/cmd/backup.js';
import { RestoreOptions, runRestore } from '../../src/cmd/restore.js';
import { EtcdClient } from '../../src/storage/etcd/client.js';
import { newStorage } from '../../src/storage/factory.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { startTestServer } from '../support/local.js';
import type { Kubectl } from '../support/kubectl.js';
import { availableCondition, waitAvailable } from './apiservice.js';
import { ensureEtcd } from './components.js';
import type { ControlPlane } from './control-plane.js';
import { type EtcdCluster, startEtcdCluster } from './etcd.js';
import { type ExtensionServer, startFromWorkload } from './extension-server.js';
import { DEPLOY_NAMESPACE as NAMESPACE, WARDLE_API_SERVICES } from './install.js';
import { createNetwork, type Namespace, type Network } from './netns.js';
import { tcpProxy } from './tcp-proxy.js';
import { eventually, freePort } from './process.js';
import { BUILD_TIMEOUT_MS, skipE2E, startControlPlane } from './suite.js';

const SERVICE = 'aggregated-apiserver';
const PORT = 8443;
const flunders = (ns: string): string => `/apis/wardle.example.com/v1alpha1/namespaces/${ns}/flunders`;
const flunder = (name: string) => ({ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name }, spec: {} });

interface Replica {
  ns: Namespace;
  dir: string;
  server?: ExtensionServer;
}

let net: Network;
let cp: ControlPlane;
let admin: Kubectl;
let adminId: ClientIdentity;
let etcd: EtcdCluster;
let proxy: Server;
/** The etcd client's CA, certificate and key files, as flags name them. */
let clientFiles: { etcdCafile: string; etcdCertfile: string; etcdKeyfile: string };
/** Objects created on a LevelDB server and restored into the replicas' etcd before they start. */
const migrated: Obj[] = [];
let start: (r: Replica) => Promise<void>;
const replicas: Replica[] = [];

/**
 * The kubelet's readiness probe and the endpoints controller, in one loop: each replica's /readyz, every
 * 250 ms, decides whether its address is ready in the Service's Endpoints and EndpointSlice.
 */
class Prober {
  private published = '';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.probe()).catch(() => undefined);
    }, 250);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Resolves once the published ready addresses are exactly those of `ready`. */
  async until(ready: Replica[]): Promise<void> {
    const want = ready.map((r) => r.ns.address).join(',');
    await eventually('the prober to publish the ready replicas', async () => (this.published === want ? true : undefined), {
      timeoutMs: 30_000,
    });
  }

  private async probe(): Promise<void> {
    const ready: string[] = [];
    for (const r of replicas) {
      if (!r.server?.process.alive) continue;
      const res = await call(r.server.url, r.server.serverTrust, 'GET', '/readyz').catch(() => undefined);
      if (res?.status === 200) ready.push(r.ns.address);
    }
    const key = ready.join(',');
    if (key === this.published) return;
    const notReady = replicas.map((r) => r.ns.address).filter((a) => !ready.includes(a));
    const port = { name: 'https', port: PORT, protocol: 'TCP' };
    const objects: Obj[] = [
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: SERVICE, namespace: NAMESPACE },
        subsets: [
          {
            ...(ready.length ? { addresses: ready.map((ip) => ({ ip })) } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady.map((ip) => ({ ip })) } : {}),
            ports: [port],
          },
        ],
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${SERVICE}-e2e`,
          namespace: NAMESPACE,
          labels: { 'kubernetes.io/service-name': SERVICE, 'endpointslice.kubernetes.io/managed-by': 'e2e-prober' },
        },
        addressType: 'IPv4',
        endpoints: replicas.map((r) => ({ addresses: [r.ns.address], conditions: { ready: ready.includes(r.ns.address) } })),
        ports: [port],
      },
    ];
    await admin.ok(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
    this.published = key;
  }
}
const prober = new Prober();

/** Requests through the aggregator from `workers` loops: creates (counted when acknowledged), gets and lists. */
function clientLoad(namespace: string, workers: number, prefix: string) {
  const acked: string[] = [];
  const failures: string[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const name = `${prefix}-${n++}`;
      try {
        const created = await call(cp.url, adminId, 'POST', flunders(namespace), flunder(name));
        if (created.status === 201) acked.push(name);
        else failures.push(`POST ${name}: ${created.status} ${created.text.slice(0, 200)}`);
        const got = await call(cp.url, adminId, 'GET', `${flunders(namespace)}/${acked.at(-1) ?? name}`);
        if (got.status !== 200 && created.status === 201) failures.push(`GET ${name}: ${got.status} ${got.text.slice(0, 200)}`);
        const listed = await call(cp.url, adminId, 'GET', `${flunders(namespace)}?limit=5`);
        if (listed.status !== 200) failures.push(`LIST: ${listed.status} ${listed.text.slice(0, 200)}`);
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    }
  });
  return {
    acked,
    failures,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** A client-go reflector's watch, through the aggregator: resumes from its last resourceVersion whenever the stream ends. */
class Reflector {
  readonly events: string[] = [];
  readonly errors: string[] = [];
  restarts = 0;
  private stopped = false;
  private current: ReturnType<typeof request> | undefined;
  private done: Promise<void>;

  constructor(
    private readonly path: string,
    private rv: string,
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        const req = request(
          new URL(`${this.path}?watch=true&allowWatchBookmarks=true&resourceVersion=${this.rv}`, cp.url),
          { ...adminId },
          (res) => {
            let buf = '';
            res.on('end', resolve);
            res.on('error', resolve);
            if (res.statusCode !== 200) {
              // An answer rather than a stream (the aggregator's 503 text while no replica is ready).
              this.errors.push(`watch answered ${res.statusCode}`);
              res.resume();
              return;
            }
            res.on('data', (c: Buffer) => {
              buf += c.toString();
              for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
                const ev = JSON.parse(buf.slice(0, nl)) as { type: string; object: Obj };
                buf = buf.slice(nl + 1);
                if (ev.type === 'ERROR') this.errors.push(JSON.stringify(ev.object));
                else {
                  this.rv = ev.object.metadata.resourceVersion;
                  if (ev.type !== 'BOOKMARK') this.events.push(`${ev.type} ${ev.object.metadata.name}`);
                }
              }
            });
          },
        );
        req.on('error', resolve);
        req.end();
        this.current = req;
      });
      if (!this.stopped) {
        this.restarts++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.destroy();
    await this.done;
  }
}

async function availability(): Promise<string[]> {
  const conditions = await Promise.all(WARDLE_API_SERVICES.map((n) => availableCondition(admin, n)));
  return conditions.map((c, i) => `${WARDLE_API_SERVICES[i]}=${c?.status}`);
}

describe.skipIf(skipE2E)('deploy/ha: three replicas on a three-member etcd, behind a real kube-apiserver', () => {
  beforeAll(async () => {
    net = await createNetwork(3);
    cp = await startControlPlane('ha', { kubeApiserverArgs: ['--enable-aggregator-routing=true'] });
    admin = cp.kubectl();
    adminId = await cp.identity('admin', ['system:masters']);
    const proxyPort = await freePort();
    proxy = await tcpProxy(net.hostAddress, proxyPort, cp.port);

    // etcd's PKI: a CA, the members' serving certificate (for the bridge address) and our client certificate.
    const pki = join(cp.dir, 'etcd-pki');
    const ca = await createCA({ commonName: 'etcd-ca' });
    const serving = await createCertificate(ca, { commonName: 'etcd', usage: 'serverAuth', ipAddresses: [net.hostAddress, '127.0.0.1'] });
    const client = await createCertificate(ca, { commonName: 'aggregated-apiserver', usage: 'clientAuth' });
    await copy(deployDir, join(cp.dir, 'deploy'), { recursive: true });
    const files = { caFile: join(cp.dir, 'etcd-ca.crt'), certFile: join(cp.dir, 'etcd.crt'), keyFile: join(cp.dir, 'etcd.key') };
    await writeFile(files.caFile, ca.cert);
    await writeFile(files.certFile, serving.cert);
    await writeFile(files.keyFile, serving.key, { mode: 0o600 });
    etcd = await startEtcdCluster(await ensureEtcd(), pki, 3, net.hostAddress, files);
    clientFiles = { etcdCafile: files.caFile, etcdCertfile: join(cp.dir, 'etcd-client.crt'), etcdKeyfile: join(cp.dir, 'etcd-client.key') };
    await writeFile(clientFiles.etcdCertfile, client.cert);
    await writeFile(clientFiles.etcdKeyfile, client.key, { mode: 0o600 });

    // The data the replicas start on: a single LevelDB server's, backed up online and restored into etcd.
    const single = await startTestServer(join(cp.dir, 'single'));
    const singleId = { ca: single.ca, cert: single.adminCert, key: single.adminKey };
    for (const [i, ns] of ['default', 'migrated'].entries()) {
      const o = {
        ...flunder(`from-leveldb-${i}`),
        metadata: { name: `from-leveldb-${i}`, labels: { moved: 'yes' }, finalizers: ['example.com/keep'] },
      };
      const created = await call(single.url, singleId, 'POST', flunders(ns), o);
      migrated.push(created.json);
    }
    const file = join(cp.dir, 'single.backup');
    await runBackup(new BackupOptions().applyFlags({ kubeconfig: single.kubeconfigPath, output: file }));
    await single.server.shutdown();
    await runRestore(
      new RestoreOptions().applyFlags({
        input: file,
        storageBackend: 'etcd3',
        etcdServers: etcd.servers.split(','),
        etcdPrefix: '/registry',
        ...clientFiles,
      }),
    );

    // deploy/ha as an operator applies it; the Service loses its selector, since the prober keeps its endpoints.
    await makeServingCert(join(cp.dir, 'deploy', 'tls'));
    const objs = parseManifests(await execOk('kubectl', ['kustomize', join(cp.dir, 'deploy', 'ha')])).map((o) =>
      o.kind === 'Service' ? { ...o, spec: { ...o.spec, selector: undefined } } : o,
    );
    await admin.ok(['apply', '-f', '-'], objs.map((o) => stringify(o)).join('---\n'));
    await admin.ok([
      'create',
      'secret',
      'generic',
      'aggregated-apiserver-etcd-client',
      '-n',
      NAMESPACE,
      `--from-literal=ca.crt=${ca.cert}`,
      `--from-literal=tls.crt=${client.cert}`,
      `--from-literal=tls.key=${client.key}`,
    ]);
    for (const n of ['load', 'watched', 'kill', 'leader', 'down', 'migrated']) await admin.ok(['create', 'namespace', n]);

    start = async (r: Replica) => {
      r.server = await startFromWorkload({
        controlPlane: cp,
        namespace: NAMESPACE,
        workload: `deployment/${SERVICE}`,
        port: PORT,
        dir: r.dir,
        netns: { exec: net.exec(r.ns), address: r.ns.address },
        kubeconfigVia: { server: `https://${net.hostAddress}:${proxyPort}`, tlsServerName: 'localhost' },
        replaceArgs: { '--etcd-servers': etcd.servers },
        extraArgs: ['--shutdown-delay-duration=3s', '--log-level=warn'],
      });
    };
    for (const [i, ns] of net.namespaces.entries()) replicas.push({ ns, dir: join(cp.dir, `replica-${i}`) });
    await Promise.all(replicas.map((r) => start(r)));
    prober.start();
    await prober.until(replicas);
    await waitAvailable(admin, WARDLE_API_SERVICES, () => replicas.map((r) => r.server?.process.tail(10)).join('\n'));
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await prober.stop();
    await Promise.all(replicas.map((r) => r.server?.process.stop()));
    await Promise.all((etcd?.members ?? []).map((m) => m.process.stop()));
    proxy?.close();
    await cp?.stop();
    await net?.destroy();
  });

  it('serves what was migrated from LevelDB (backup, restore into etcd) with its identity, through the aggregator', async () => {
    const served = JSON.parse(await admin.ok(['get', 'flunders', '-A', '-l', 'moved=yes', '-o', 'json'])).items as Obj[];
    const identity = (o: Obj) => [
      o.metadata.namespace,
      o.metadata.name,
      o.metadata.uid,
      o.metadata.creationTimestamp,
      o.metadata.finalizers,
    ];
    expect(served.map(identity)).toEqual(migrated.map(identity));
  });

  it('refuses to start on etcd with a CA that did not sign its certificate, or without a client certificate', async () => {
    const other = await createCA({ commonName: 'not-etcd-ca' });
    const wrongCa = join(cp.dir, 'wrong-ca.crt');
    await writeFile(wrongCa, other.cert);
    const base = { storageBackend: 'etcd3' as const, etcdServers: etcd.servers.split(','), etcdPrefix: '/registry' };
    const attempts = [
      { ...base, ...clientFiles, etcdCafile: wrongCa },
      { ...base, etcdCafile: clientFiles.etcdCafile },
    ];
    for (const flags of attempts) {
      const storage = await newStorage(new RestoreOptions().applyFlags(flags).storage.toConfig());
      await expect(storage.open()).rejects.toThrow(/etcd https:\/\/10\.231\.\d+\.1:\d+: .*(certificate|handshake|alert|tls|ssl)/i);
      await storage.close();
    }
  });

  it('serves the API from every replica through the aggregator, with kubectl', async () => {
    await admin.ok(['create', '-n', 'load', '-f', '-'], stringify(flunder('by-kubectl')));
    expect(await admin.ok(['get', 'flunders', '-n', 'load', '-o', 'name'])).toContain('flunder.wardle.example.com/by-kubectl');
    // Each replica, asked directly, has the object: they share one store.
    for (const r of replicas) {
      const res = await call(
        r.server?.url ?? '',
        { ...(r.server?.serverTrust as ClientIdentity), cert: adminId.cert, key: adminId.key },
        'GET',
        `${flunders('load')}/by-kubectl`,
      );
      expect(res.status).toBe(200);
    }
  });

  it('restarts every replica in turn (SIGTERM, shutdown delay, readiness) without failing a request or losing a watch event', async () => {
    const watch = new Reflector(
      flunders('watched'),
      (await call(cp.url, adminId, 'GET', flunders('watched'))).json.metadata.resourceVersion,
    );
    const load = clientLoad('watched', 4, 'roll');
    const availabilityProblems: string[] = [];
    let watching = true;
    const watchAvailability = (async () => {
      while (watching) {
        const now = await availability();
        if (now.some((c) => !c.endsWith('=True'))) availabilityProblems.push(now.join(' '));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    for (const r of replicas) {
      const old = r.server as ExtensionServer;
      old.process.child.kill('SIGTERM');
      await prober.until(replicas.filter((x) => x !== r));
      expect(await old.process.exit(20_000)).toBe(0);
      await start(r);
      await prober.until(replicas);
      await new Promise((res) => setTimeout(res, 1000));
    }
    await load.stop();
    watching = false;
    await watchAvailability;
    await eventually('the watch to see every acknowledged create', async () =>
      load.acked.every((name) => watch.events.includes(`ADDED ${name}`)) ? true : undefined,
    );
    await watch.stop();
    expect(load.failures).toEqual([]);
    expect(availabilityProblems).toEqual([]);
    expect(load.acked.length).toBeGreaterThan(20);
    expect(watch.errors).toEqual([]);
    expect(watch.restarts).toBeGreaterThan(0);
    // Every create seen exactly once, in the order the store gave them.
    const added = watch.events.filter((e) => e.startsWith('ADDED'));
    expect(new Set(added).size).toBe(added.length);
    expect(added.sort()).toEqual(load.acked.map((n) => `ADDED ${n}`).sort());
  }, 300_000);

  it('loses no acknowledged write when a replica is killed with SIGKILL under write load; clients recover on the others', async () => {
    const load = clientLoad('kill', 4, 'kill');
    await new Promise((r) => setTimeout(r, 1500));
    const victim = replicas[1] as Replica;
    victim.server?.process.child.kill('SIGKILL');
    await prober.until(replicas.filter((r) => r !== victim));
    const before = load.acked.length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(load.acked.length).toBeGreaterThan(before);
    await load.stop();
    await start(victim);
    await prober.until(replicas);
    const stored = new Set((await call(cp.url, adminId, 'GET', flunders('kill'))).json.items.map((o: Obj) => o.metadata.name));
    expect(load.acked.filter((n) => !stored.has(n))).toEqual([]);
  }, 120_000);

  it('loses no acknowledged write when the etcd leader is killed under write load; answers Status errors meanwhile, never hangs or crashes', async () => {
    const load = clientLoad('leader', 4, 'leader');
    await new Promise((r) => setTimeout(r, 1500));
    const leader = await etcd.leader();
    leader.process.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    const afterKill = load.acked.length;
    await eventually('writes to succeed again under a new leader', async () => (load.acked.length > afterKill + 10 ? true : undefined), {
      timeoutMs: 30_000,
    });
    await load.stop();
    for (const r of replicas) expect(r.server?.process.alive).toBe(true);
    // What failed, failed as a Status from a server that kept running: never a hung or reset request.
    for (const f of load.failures) expect(f).toMatch(/^(POST|GET|LIST)[^:]*: (500|503|504) \{"kind":"Status"/);
    await leader.restart();
    const stored = new Set((await call(cp.url, adminId, 'GET', flunders('leader'))).json.items.map((o: Obj) => o.metadata.name));
    expect(load.acked.filter((n) => !stored.has(n))).toEqual([]);
  }, 120_000);

  it('answers 410 Expired to a watch from before etcd compacted (after a replica restart), and the relist and its watch work', async () => {
    const old = (await call(cp.url, adminId, 'POST', flunders('load'), flunder('before-compaction'))).json.metadata.resourceVersion;
    // Changes after `old` whose history the compaction removes; etcd keeps the compaction revision itself.
    await call(cp.url, adminId, 'POST', flunders('load'), flunder('compacted-away'));
    const latest = (await call(cp.url, adminId, 'POST', flunders('load'), flunder('at-compaction'))).json.metadata.resourceVersion;
    const client = new EtcdClient({
      endpoints: etcd.servers.split(','),
      ca: await readFile(clientFiles.etcdCafile),
      cert: await readFile(clientFiles.etcdCertfile),
      key: await readFile(clientFiles.etcdKeyfile),
    });
    try {
      await client.compact(Number(latest));
    } finally {
      client.close();
    }
    // A replica started after the compaction has no history before it (the others still hold theirs in memory).
    const r = replicas[0] as Replica;
    r.server?.process.child.kill('SIGTERM');
    await r.server?.process.exit(20_000);
    await start(r);
    await prober.until(replicas);
    const server = r.server as ExtensionServer;
    const direct = { ...server.serverTrust, cert: adminId.cert, key: adminId.key };
    const expired = await watchEvents(server.url, direct, `${flunders('load')}?watch=true&resourceVersion=${old}`, 1, 5_000);
    expect(expired.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    const relist = await call(server.url, direct, 'GET', flunders('load'));
    expect(relist.json.items.map((o: Obj) => o.metadata.name)).toContain('before-compaction');
    const resumed = watchEvents(
      server.url,
      direct,
      `${flunders('load')}?watch=true&resourceVersion=${relist.json.metadata.resourceVersion}`,
      1,
      10_000,
    );
    await call(cp.url, adminId, 'POST', flunders('load'), flunder('after-compaction'));
    expect((await resumed).events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED after-compaction']);
  }, 120_000);

  it('fails /readyz by name and requests with 503 while etcd is unreachable, and serves again once it is back', async () => {
    await Promise.all(etcd.members.map((m) => m.process.stop()));
    for (const r of replicas) {
      const server = r.server as ExtensionServer;
      const verbose = await eventually('/readyz to fail', async () => {
        const res = await call(server.url, server.serverTrust, 'GET', '/readyz?verbose');
        return res.status === 500 ? res.text : undefined;
      });
      expect(verbose).toContain('[-]etcd failed');
      const direct = await call(server.url, { ...server.serverTrust, cert: adminId.cert, key: adminId.key }, 'GET', flunders('down'));
      expect([direct.status, direct.json.kind]).toEqual([503, 'Status']);
    }
    const viaAggregator = await call(cp.url, adminId, 'GET', flunders('down'));
    expect(viaAggregator.status).toBe(503);
    await Promise.all(etcd.members.map((m) => m.restart()));
    await prober.until(replicas);
    await waitAvailable(admin, WARDLE_API_SERVICES, () => '');
    expect((await call(cp.url, adminId, 'POST', flunders('down'), flunder('after'))).status).toBe(201);
  }, 120_000);
});
