// Lint: typescript-eslint, plus the dependency rule surfaces -> modules -> platform enforced with
// no-restricted-imports (modules never import surfaces or transport code; platform imports neither).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const transport = ['express', 'express-*', '@adminjs/*', 'adminjs', 'discord-interactions', '@discordjs/*', 'supertest'];

// Modules with a public face (src/modules/<name>/index.ts): from outside the module, only index.js may be
// imported (docs/decisions/module-layout.md). A module joins this list when it gains an index.ts.
const publicFaced = ['checkout', 'orders'];
const internalsOf = (names) => ({
  regex: `(^|/)(modules/|\\.\\./)(${names.join('|')})/(?!index\\.js$)`,
  message: 'Import this module through its index.js (its public face); the other files are its internals.',
});
/** From inside module `self`: every other public-faced module's internals. */
const otherModulesInternals = (self) => internalsOf(publicFaced.filter((m) => m !== self));
const surfaces = ['admin', 'discord', 'http'];
const compositionRoot = {
  group: ['**/container.js', '**/app.js', '**/main.js', '**/start.js'],
  message:
    'Surfaces receive their narrow Services type (surfaces/<name>/services.ts); the composition root imports them, never the reverse.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'src/generated/**', 'admin-bundle/**', '.adminjs/**', 'data/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': 'off',
    },
  },
  // A promise nobody awaits loses its rejection (an unhandled rejection ends the process) and its ordering.
  // Needs type information: one TypeScript program for the whole repo (projectService), so lint stays one
  // pass. Deliberate fire-and-forget is written `void promise`.
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**', '**/surfaces/**', '**/container.js', '**/app.js'],
              message: 'platform/ is domain-agnostic: it may not import modules/ or surfaces/.',
            },
            { group: transport, message: 'platform/ may not depend on a transport (Express, AdminJS, Discord).' },
          ],
        },
      ],
    },
  },
  {
    // Outbound adapters (src/adapters/<service>/) implement module ports with a transport client.
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // The one exception: the Discord messages the notification jobs post are the Discord surface's views
            // (their buttons' custom ids come back to it), so adapters/discord may render them.
            {
              regex: '(^|/)surfaces/(?!discord/(views/[a-z-]+\\.view|replies)\\.js$)',
              message: 'adapters/ implement module ports; they may not import surfaces/ (only the Discord message views).',
            },
            { group: ['**/container.js', '**/app.js'], message: 'adapters/ implement module ports; the composition root builds them.' },
            internalsOf(publicFaced),
          ],
        },
      ],
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/surfaces/**', '**/adapters/**', '**/container.js', '**/app.js'],
              message: 'modules/ may not import surfaces/ or adapters/: dependencies point surfaces -> modules -> platform.',
            },
            { group: transport, message: 'modules/ may not import Express, AdminJS or Discord transport code; take a port instead.' },
            internalsOf(publicFaced),
          ],
        },
      ],
    },
  },
  // Inside a public-faced module its own files are free to import each other; other modules' are not.
  ...publicFaced.map((self) => ({
    files: [`src/modules/${self}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/surfaces/**', '**/adapters/**', '**/container.js', '**/app.js'],
              message: 'modules/ may not import surfaces/ or adapters/: dependencies point surfaces -> modules -> platform.',
            },
            { group: transport, message: 'modules/ may not import Express, AdminJS or Discord transport code; take a port instead.' },
            otherModulesInternals(self),
          ],
        },
      ],
    },
  })),
  // Each surface stands alone: it sees the composition root only through its own narrow Services type, and
  // neither another surface nor a module's internals.
  ...surfaces.map((self) => ({
    files: [`src/surfaces/${self}/**/*.ts`, `src/surfaces/${self}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            compositionRoot,
            {
              group: surfaces
                .filter((s) => s !== self)
                .flatMap((s) => [`**/surfaces/${s}/**`, `../${s}/**`, `../../${s}/**`, `../../../${s}/**`]),
              message: `One surface may not import another: what ${self}/ shares with them belongs in a module (or platform/).`,
            },
            internalsOf(publicFaced),
          ],
        },
      ],
    },
  })),
  // Layout is Prettier's (npm run format); this switches off the stylistic rules that would disagree with it.
  prettier,
);
