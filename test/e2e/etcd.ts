/** One real etcd member on 127.0.0.1, for the control plane and for the etcd storage backend's own suites. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, freePort, GaveUp, type ManagedProcess, startProcess } from './process.js';

export interface EtcdMember {
  /** Its client URL, http://127.0.0.1:<port>. */
  url: string;
  process: ManagedProcess;
  /** Starts it again on the same ports and data, once stopped or killed. */
  restart(): Promise<void>;
}

/**
 * Starts etcd with its data in `<dir>/etcd` and waits for /health. `durable: false` skips fsync: a throw-away
 * member whose durability is not under test (fsync on a shared disk is slow).
 */
export async function startEtcd(etcd: string, dir: string, durable = false): Promise<EtcdMember> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const args = [
    '--name=e2e',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=e2e=${peerUrl}`,
    ...(durable ? [] : ['--unsafe-no-fsync']),
    '--log-level=warn',
  ];
  const member: EtcdMember = {
    url,
    process: await run(etcd, args, dir, url),
    restart: async () => {
      member.process = await run(etcd, args, dir, url);
    },
  };
  return member;
}

async function run(etcd: string, args: string[], dir: string, url: string): Promise<ManagedProcess> {
  await mkdir(dir, { recursive: true });
  const p = startProcess('etcd', etcd, args, join(dir, 'etcd.log'));
  await eventually(
    'etcd to answer /health',
    async () => {
      if (!p.alive) throw new GaveUp('etcd exited');
      const res = await fetch(`${url}/health`);
      return res.ok ? true : undefined;
    },
    { timeoutMs: 30_000, describe: () => `etcd log:\n${p.tail()}` },
  );
  return p;
}

export interface EtcdClusterTls {
  /** PEM files: the CA that signed the members' serving certificates and every client certificate. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Every member's https client URL on `clientHost`, comma-separated, as --etcd-servers takes them. */
  servers: string;
  /** The member that leads now (asked through each member's plain-http loopback URL). */
  leader(): Promise<EtcdMember>;
}

/**
 * A cluster of `size` members: peers on loopback, clients on https at `clientHost` (an address replicas in
 * other network namespaces reach) with client certificates required, and on plain http at 127.0.0.1 for the
 * test's own health and status checks (`member.url`).
 */
export async function startEtcdCluster(
  etcd: string,
  dir: string,
  size: number,
  clientHost: string,
  tls: EtcdClusterTls,
): Promise<EtcdCluster> {
  const ports = await Promise.all(Array.from({ length: size * 3 }, () => freePort()));
  const spec = Array.from({ length: size }, (_, i) => ({
    name: `m${i}`,
    url: `http://127.0.0.1:${ports[i * 3]}`,
    tlsUrl: `https://${clientHost}:${ports[i * 3 + 1]}`,
    peerUrl: `http://127.0.0.1:${ports[i * 3 + 2]}`,
  }));
  const initialCluster = spec.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const members = await Promise.all(
    spec.map(async (m) => {
      const memberDir = join(dir, m.name);
      const args = [
        `--name=${m.name}`,
        `--data-dir=${join(memberDir, 'etcd')}`,
        `--listen-client-urls=${m.url},${m.tlsUrl}`,
        `--advertise-client-urls=${m.tlsUrl}`,
        `--listen-peer-urls=${m.peerUrl}`,
        `--initial-advertise-peer-urls=${m.peerUrl}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--cert-file=${tls.certFile}`,
        `--key-file=${tls.keyFile}`,
        `--trusted-ca-file=${tls.caFile}`,
        '--client-cert-auth',
        '--unsafe-no-fsync',
        '--log-level=warn',
      ];
      const member: EtcdMember = {
        url: m.url,
        process: await run(etcd, args, memberDir, m.url),
        restart: async () => {
          member.process = await run(etcd, args, memberDir, m.url);
        },
      };
      return member;
    }),
  );
  return {
    members,
    servers: spec.map((m) => m.tlsUrl).join(','),
    leader: async () => {
      // From each member's /metrics (served by etcd itself; its JSON gateway would need a client certificate).
      for (const m of members) {
        if (!m.process.alive) continue;
        const res = await fetch(`${m.url}/metrics`).catch(() => undefined);
        if (res?.ok && /^etcd_server_is_leader 1$/m.test(await res.text())) return m;
      }
      throw new Error('no etcd member says it leads');
    },
  };
}
