// Lint: typescript-eslint, plus the dependency rule surfaces -> modules -> platform enforced with
// no-restricted-imports (modules never import surfaces or transport code; platform imports neither).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const transport = ['express', 'express-*', '@adminjs/*', 'adminjs', 'discord-interactions', '@discordjs/*', 'supertest'];

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
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/modules/**', '**/surfaces/**', '**/container.js', '**/app.js'], message: 'platform/ is domain-agnostic: it may not import modules/ or surfaces/.' },
          { group: transport, message: 'platform/ may not depend on a transport (Express, AdminJS, Discord).' },
        ],
      }],
    },
  },
  {
    // Outbound adapters (src/adapters/<service>/) implement module ports with a transport client.
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/surfaces/**', '**/container.js', '**/app.js'], message: 'adapters/ implement module ports; they may not import surfaces/.' },
        ],
      }],
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/surfaces/**', '**/container.js', '**/app.js'], message: 'modules/ may not import surfaces/: dependencies point surfaces -> modules -> platform.' },
          { group: transport, message: 'modules/ may not import Express, AdminJS or Discord transport code; take a port instead.' },
        ],
      }],
    },
  },
);
