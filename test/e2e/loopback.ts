/**
 * The one change an install needs when our server is a local process instead of a pod: the Service
 * becomes an ExternalName for 127.0.0.1 (the aggregator dials `<externalName>:<APIService port>`, and still
 * checks the serving certificate against `<service>.<namespace>.svc`), and each APIService names the port
 * our process listens on. Applied before the objects reach the cluster, so the aggregator never dials a
 * cluster IP, which nothing here answers.
 */
// Loose on purpose: objects as kubectl and helm print them.
type Obj = Record<string, any>;

export function toLoopback(objs: Obj[], port: number): Obj[] {
  return objs.map((o) => {
    if (o.kind === 'Service') {
      const ports = (o.spec.ports as Obj[]).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' }));
      return { ...o, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports } };
    }
    if (o.kind === 'APIService') return { ...o, spec: { ...o.spec, service: { ...o.spec.service, port } } };
    return o;
  });
}
