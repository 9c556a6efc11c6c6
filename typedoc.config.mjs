// The API reference: `pnpm run docs:api` writes docs/api (git-ignored) from the types of every
// package's entry points, as package.json `exports` lists them (a new entry point appears by itself).
/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'Headway API',
  entryPointStrategy: 'packages',
  entryPoints: ['packages/*'],
  out: 'docs/api',
  readme: 'README.md',
  excludePrivate: true,
  excludeInternal: true,
  packageOptions: {
    tsconfig: 'tsconfig.build.json',
  },
};
