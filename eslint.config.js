// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node built-ins, with and without the `node:` prefix: banned where the process has no Node. */
const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'http', 'https', 'net', 'tls', 'child_process', 'url', 'util', 'stream', 'events', 'buffer', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'coverage/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['*.js', '*.config.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-syntax': 'off' },
  },
  // Node scripts (bin, build, scripts): type-checked as JavaScript through their folder's tsconfig.
  {
    files: ['bin/**/*.mjs', 'build/**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  // Small helpers loaded into measured processes (`node --import`): plain Node JavaScript.
  { files: ['e2e/**/*.mjs'], languageOptions: { globals: globals.node }, ...tseslint.configs.disableTypeChecked },
  // Config files are plain JS without type information for their imports.
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
  // Layer boundaries (design §2): shared sees neither Node nor the DOM side; renderer never reaches into Node.
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/electron/**', 'electron', '**/renderer/**'], message: 'shared/ is pure: it must not import electron/ or renderer/.' },
          { group: nodeBuiltins, message: 'shared/ runs on both sides: no Node built-ins.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/electron/**', 'electron'], message: 'The renderer reaches the world only through the IPC contract.' },
          { group: nodeBuiltins, message: 'The renderer has no Node.' },
        ],
      }],
    },
  },
);
