/** A TCP proxy from the bridge address to kube-apiserver's loopback port: what servers in network namespaces dial. */
import { connect, createServer, type Server } from 'node:net';

export function tcpProxy(host: string, port: number, target: number): Promise<Server> {
  const server = createServer((inbound) => {
    const outbound = connect(target, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
