/**
 * The allowed import directions (ARCHITECTURE.md), checked in CI with dependency-cruiser: lower layers never
 * import higher ones, so storage backends, the registry and admission stay free of HTTP, and nothing imports
 * start-up. Tests may reach across (a registry test may open a store); the rules apply to product code.
 */
const product = '^src/(?!.*\\.test\\.ts$)(?!.*/testing/)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: break it by moving the shared part down.',
      from: { path: product },
      to: { circular: true },
    },
    {
      name: 'apimachinery-is-the-bottom',
      severity: 'error',
      comment: 'apimachinery (errors, options, object shapes) imports nothing of ours.',
      from: { path: '^src/apimachinery/' },
      to: { path: '^src/(?!apimachinery/)' },
    },
    {
      name: 'storage-imports-only-apimachinery',
      severity: 'error',
      comment: 'A storage backend knows objects and keys, never resources, HTTP or start-up.',
      from: { path: `${product}storage/` },
      to: { path: '^src/(?!storage/|apimachinery/)' },
    },
    {
      name: 'registry-stays-below-http',
      severity: 'error',
      comment: 'The registry (resource semantics) is called by endpoints; it never calls them, the server, start-up or Fastify.',
      from: { path: `${product}registry/` },
      to: { path: ['^src/(endpoints|server|cmd|audit|metrics|authorization)/', '^node_modules/fastify/', '^node_modules/@fastify/'] },
    },
    {
      name: 'cel-imports-only-apimachinery',
      severity: 'error',
      comment: 'The CEL base environment and libraries serve schema rules and admission alike.',
      from: { path: `${product}cel/` },
      to: { path: '^src/(?!cel/|apimachinery/)' },
    },
    {
      name: 'admission-stays-below-http',
      severity: 'error',
      comment: 'Admission plugins see attributes and objects, not requests.',
      from: { path: `${product}admission/` },
      to: { path: ['^src/(endpoints|server|cmd|registry)/', '^node_modules/fastify/'] },
    },
    {
      name: 'endpoints-below-server',
      severity: 'error',
      comment: 'Handlers and negotiation are installed by the server; they do not reach back into it or start-up.',
      from: { path: `${product}endpoints/` },
      to: { path: '^src/(server|cmd)/' },
    },
    {
      name: 'only-main-imports-cmd',
      severity: 'error',
      comment: 'Flags and start-up are read in src/cmd only; everything below takes typed config.',
      from: { path: '^src/(?!cmd/|main\\.ts$)' },
      to: { path: '^src/cmd/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
