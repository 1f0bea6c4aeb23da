/** The command line's contract: the flags each subcommand takes, where their values land, and validation. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { newCommand } from './cli.js';
import { BackupOptions } from './backup.js';
import { LocalOptions } from './local.js';
import { RestoreOptions } from './restore.js';
import { ServeOptions } from './serve.js';

const COMMON = [
  'secure-port',
  'bind-address',
  'api-definitions',
  'data-dir',
  'storage-backend',
  'etcd-servers',
  'etcd-prefix',
  'etcd-cafile',
  'etcd-certfile',
  'etcd-keyfile',
  'etcd-compaction-interval',
  'watch-cache',
  'event-history-size',
  'event-history-bytes',
  'object-cache-bytes',
  'max-requests-inflight',
  'max-mutating-requests-inflight',
  'shutdown-delay-duration',
  'log-level',
  'slow-request-threshold',
  'audit-policy-file',
  'audit-log-path',
  'audit-log-maxage',
  'audit-log-maxbackup',
  'audit-log-maxsize',
];
const SERVE_ONLY = [
  'tls-cert-file',
  'tls-private-key-file',
  'cert-dir',
  'client-ca-file',
  'requestheader-client-ca-file',
  'requestheader-allowed-names',
  'requestheader-username-headers',
  'requestheader-uid-headers',
  'requestheader-group-headers',
  'requestheader-extra-headers-prefix',
  'authentication-kubeconfig',
  'authorization-kubeconfig',
  'kubeconfig',
  'authentication-skip-lookup',
  'authentication-tolerate-lookup-failure',
  'authentication-token-webhook-cache-ttl',
  'authorization-webhook-cache-authorized-ttl',
  'authorization-webhook-cache-unauthorized-ttl',
  'authorization-always-allow-paths',
  'enable-admission-plugins',
  'disable-admission-plugins',
];

const subcommand = (name: string): Command => newCommand().commands.find((c) => c.name() === name) as Command;
const longFlags = (cmd: Command): string[] => cmd.options.map((o) => (o.long ?? '').replace(/^--/, '')).sort();

/** The flags' values as parsed, without running the subcommand. */
function parse(opts: ServeOptions | LocalOptions, args: string[]): Record<string, unknown> {
  let parsed: Record<string, unknown> = {};
  opts
    .addFlags(new Command('x'))
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .action((flags: Record<string, unknown>) => {
      parsed = flags;
    })
    .parse(args, { from: 'user' });
  return parsed;
}

describe('flags', () => {
  it.each([
    ['serve', [...COMMON, ...SERVE_ONLY]],
    ['local', COMMON],
  ])('%s takes the same flags as before, and the etcd backend flags', (name, want) => {
    expect(longFlags(subcommand(name))).toEqual([...want].sort());
  });

  it('version takes -o json|yaml, as kubectl version does', () => {
    const version = subcommand('version');
    expect(longFlags(version)).toEqual(['output']);
    expect(version.options[0]?.argChoices).toEqual(['text', 'json', 'yaml']);
  });

  it.each([
    ['serve', () => new ServeOptions()],
    ['local', () => new LocalOptions()],
    ['backup', () => new BackupOptions()],
    ['restore', () => new RestoreOptions()],
  ] as const)('%s: every flag is a field of one group, every field a flag', (_name, make) => {
    const opts = make();
    const flags = opts
      .addFlags(new Command('x'))
      .options.map((o) => o.attributeName())
      .sort();
    const fields = Object.values(opts)
      .flatMap((group: object) => Object.keys(group))
      .sort();
    expect(fields).toEqual(flags);
  });

  it('gives each group the values of its flags, defaults for the rest', () => {
    const opts = new ServeOptions();
    opts.applyFlags(
      parse(opts, [
        '--secure-port',
        '8443',
        '--data-dir',
        '/d',
        '--event-history-bytes',
        '2Mi',
        '--kubeconfig',
        'k',
        '--requestheader-group-headers',
        'X-A,X-B',
        '--authorization-always-allow-paths',
        '/healthz',
        '--shutdown-delay-duration',
        '1m',
      ]),
    );
    expect(opts.serving.toConfig()).toEqual({ securePort: 8443, bindAddress: '0.0.0.0' });
    expect(opts.storage.toConfig()).toMatchObject({
      backend: 'leveldb',
      path: '/d/leveldb',
      historySize: 10_000,
      historyBytes: 2 * 2 ** 20,
    });
    expect(opts.authentication.trustFlags().requestheaderGroupHeaders).toEqual(['X-A', 'X-B']);
    expect(opts.authorization.authorizationAlwaysAllowPaths).toEqual(['/healthz']);
    expect(opts.server.shutdownDelayDuration).toBe(60);
    expect(new ServeOptions().authorization.authorizationAlwaysAllowPaths).toEqual(['/healthz', '/readyz', '/livez']);
  });

  it("--kubeconfig stands in for the delegations' kubeconfigs not given", () => {
    const opts = new ServeOptions().applyFlags({ kubeconfig: 'core', authorizationKubeconfig: 'authz' }).complete();
    expect([opts.authentication.authenticationKubeconfig, opts.authorization.authorizationKubeconfig]).toEqual(['core', 'authz']);
  });

  it("takes the etcd backend with k8s.io/apiserver's flag names and defaults", () => {
    expect(() => parse(new ServeOptions(), ['--storage-backend', 'etcd'])).toThrow(/Allowed choices are leveldb, etcd3/);
    const flags = parse(new ServeOptions(), [
      '--storage-backend=etcd3',
      '--etcd-servers',
      'https://a:2379,https://b:2379',
      '--watch-cache=false',
    ]);
    const opts = new ServeOptions().applyFlags(flags);
    expect([opts.storage.etcdPrefix, opts.storage.etcdCompactionInterval, opts.storage.watchCache]).toEqual(['/registry', 300, false]);
    expect(opts.storage.etcdServers).toEqual(['https://a:2379', 'https://b:2379']);
    const ok = new ServeOptions().applyFlags(
      parse(new ServeOptions(), ['--storage-backend=etcd3', '--etcd-servers=http://e:2379', '--etcd-compaction-interval=0']),
    );
    expect(ok.validate()).toEqual([]);
    expect(ok.storage.toConfig()).toEqual({
      backend: 'etcd3',
      endpoints: ['http://e:2379'],
      prefix: '/registry',
      compactionIntervalMs: 0,
      historySize: 10_000,
      historyBytes: 64 * 2 ** 20,
    });
  });
});

describe('validate', () => {
  it('says what is wrong with an etcd configuration, all at once', () => {
    const serve = (flags: Record<string, unknown>): string[] =>
      new ServeOptions().applyFlags({ storageBackend: 'etcd3', ...flags }).validate();
    expect(serve({})).toEqual(['--storage-backend=etcd3 needs --etcd-servers (e.g. https://etcd-0.etcd:2379,https://etcd-1.etcd:2379)']);
    expect(
      serve({ etcdServers: ['etcd:2379', 'ftp://e:1'], etcdCertfile: 'c', etcdPrefix: 'registry', watchCache: false, dataDir: '/d' }),
    ).toEqual([
      '--etcd-servers: "etcd:2379" is not scheme://host:port with scheme http or https',
      '--etcd-servers: "ftp://e:1" is not scheme://host:port with scheme http or https',
      '--etcd-certfile and --etcd-keyfile must be given together',
      '--etcd-prefix "registry" must start with /',
      '--watch-cache=false is not supported: the etcd backend serves every read from its watch cache',
      '--data-dir is the LevelDB directory: with --storage-backend=etcd3 objects are kept in etcd, so leave --data-dir out',
    ]);
    // local keeps its certificates under --data-dir, whatever the backend.
    expect(new LocalOptions().applyFlags({ storageBackend: 'etcd3', etcdServers: ['http://e:2379'], dataDir: '/d' }).validate()).toEqual(
      [],
    );
    expect(new ServeOptions().applyFlags({ etcdServers: ['http://e:2379'] }).validate()).toEqual([
      '--etcd-* flags need --storage-backend=etcd3; the leveldb backend keeps objects under --data-dir',
    ]);
    expect(() =>
      new ServeOptions()
        .applyFlags({ storageBackend: 'etcd3', etcdServers: ['http://e:2379'], etcdCafile: '/nonexistent/ca.crt' })
        .storage.toConfig(),
    ).toThrow(/--etcd-cafile: cannot read \/nonexistent\/ca.crt/);
  });

  it('reports every problem at once', () => {
    const errs = new ServeOptions()
      .applyFlags({ securePort: 70000, tlsCertFile: 'a', eventHistorySize: 0, eventHistoryBytes: 1024 })
      .validate();
    expect(errs).toEqual([
      '--secure-port 70000 must be between 0 and 65535',
      '--tls-cert-file and --tls-private-key-file must be given together',
      '--event-history-size must be at least 1',
      '--event-history-bytes must be at least 1Mi',
    ]);
  });
});
