/** The command line's contract: the flags each subcommand takes, where their values land, and validation. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { newCommand } from './cli.js';
import { LocalOptions } from './local.js';
import { ServeOptions } from './serve.js';

const COMMON = [
  'secure-port',
  'bind-address',
  'api-definitions',
  'data-dir',
  'storage-backend',
  'event-history-size',
  'event-history-bytes',
  'max-requests-inflight',
  'max-mutating-requests-inflight',
  'shutdown-delay-duration',
  'log-level',
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
  ])('%s takes the same flags as before, --etcd-servers aside', (name, want) => {
    expect(longFlags(subcommand(name))).toEqual([...want].sort());
  });

  it.each([
    ['serve', () => new ServeOptions()],
    ['local', () => new LocalOptions()],
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

  it('refuses --storage-backend=etcd and --etcd-servers while parsing', () => {
    expect(() => parse(new ServeOptions(), ['--storage-backend', 'etcd'])).toThrow(/Allowed choices are leveldb/);
    expect(() => parse(new LocalOptions(), ['--etcd-servers', 'http://etcd:2379'])).toThrow(/unknown option '--etcd-servers'/);
  });
});

describe('validate', () => {
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
