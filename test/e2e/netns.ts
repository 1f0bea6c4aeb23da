/**
 * Addresses of their own for replicas, as pods have: network namespaces created by the test, each with a
 * veth into a bridge the test creates on the host. The Endpoints API refuses loopback addresses, so several
 * replicas behind one Service need these; the host reaches every namespace through the bridge, and each
 * namespace reaches the host's bridge address (where the test exposes etcd and kube-apiserver).
 * Needs root (CI runs as root); anything that fails here fails the suite loudly.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Namespace {
  name: string;
  address: string;
}

export interface Network {
  /** The bridge's address on the host: what namespaces dial to reach the host. */
  hostAddress: string;
  namespaces: Namespace[];
  /** The command prefix that runs a program inside a namespace. */
  exec(ns: Namespace): string[];
  destroy(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (err) {
    throw new Error(`ip ${args.join(' ')}: ${(err as { stderr?: string }).stderr?.trim() || String(err)}`);
  }
}

/** `count` namespaces on 10.231.<subnet>.0/24, the host at .1 and the namespaces from .10. */
export async function createNetwork(count: number): Promise<Network> {
  // Names of at most 15 characters (IFNAMSIZ), unique per test process.
  const id = process.pid % 100_000;
  const subnet = id % 250;
  const bridge = `aasbr${id}`;
  const hostAddress = `10.231.${subnet}.1`;
  const namespaces: Namespace[] = Array.from({ length: count }, (_, i) => ({
    name: `aas${id}r${i}`,
    address: `10.231.${subnet}.${10 + i}`,
  }));
  const destroy = async (): Promise<void> => {
    for (const ns of namespaces) await run('ip', ['netns', 'del', ns.name]).catch(() => undefined);
    await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  };
  await destroy();
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `${hostAddress}/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    for (const [i, ns] of namespaces.entries()) {
      const [host, inner] = [`aasv${id}h${i}`, `aasv${id}n${i}`];
      await ip('netns', 'add', ns.name);
      await ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inner);
      await ip('link', 'set', host, 'master', bridge);
      await ip('link', 'set', host, 'up');
      await ip('link', 'set', inner, 'netns', ns.name);
      await ip('-n', ns.name, 'addr', 'add', `${ns.address}/24`, 'dev', inner);
      await ip('-n', ns.name, 'link', 'set', inner, 'up');
      await ip('-n', ns.name, 'link', 'set', 'lo', 'up');
      await ip('-n', ns.name, 'route', 'add', 'default', 'via', hostAddress);
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  return { hostAddress, namespaces, exec: (ns) => ['ip', 'netns', 'exec', ns.name], destroy };
}
