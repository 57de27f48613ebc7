// ESLint for the TypeScript sources (runtime, editor) and tests, and for the <script> blocks of the .html files.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import html from 'eslint-plugin-html';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'docs/**', 'resources/**'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Node-RED's own convention: `const node = this` in a node's constructor.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
      // Matching control characters is the point of the input checks.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The editor's code runs in the browser (editor/tsconfig.json, without Node.js types, refuses Node's globals).
    files: ['editor/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, RED: 'readonly', $: 'readonly' } },
  },
  {
    files: ['nodes/**/*.html'],
    plugins: { html },
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'script',
      ecmaVersion: 2018,
      globals: { ...globals.browser, RED: 'readonly', $: 'readonly' },
    },
  },
  {
    files: ['scripts/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
);
