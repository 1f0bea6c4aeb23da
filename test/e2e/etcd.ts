/** One real etcd member on 127.0.0.1, for the control plane and for the etcd storage backend's own suites. */
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
