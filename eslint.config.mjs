// @ts-check
// Lint: typescript-eslint's recommended rules (syntax only, no type information, so it
// stays fast), plus a few stricter ones for the published code that it already follows.
// Formatting is prettier's business (npm run format:check), not eslint's.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Dot-directories at the root (.scratch/, someone's .prof-tmp/) hold scratch work, not the project.
    ignores: ['**/node_modules/', 'dist/', 'docs/api/', 'coverage/', '.*/', 'demos/angular/'],
  },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An options interface that only extends another still names a documented type.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // A `let` assigned once, after closures that read it were made (a timer their teardown clears).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The published code, and the scripts that check it.
    files: ['lib/**/*.ts', 'scripts/**/*.ts', '*.config.ts'],
    rules: {
      // `import type` for what is only a type: the build loads nothing for it. (`typeof
      // import('undici')` stays allowed: it types a module loaded lazily with require().)
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Specs: `any` where a test pokes at what the types forbid.
    files: ['spec/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Runners that load each scenario or demo by its path, one at a time.
    files: ['bench/**/*.ts', 'demos/run-all.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Type tests: values declared only for the type checker to look at.
    files: ['spec/types/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
);
