// Lint as the typescript-action template does: typescript-eslint's recommended rules over every
// TypeScript file the project owns (never a stack's data directories, .stack*: the engines' own files).
// Formatting is prettier's job (`npm run format:check`), not eslint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack*/**', 'out/**', 'coverage/**', 'stack/**/target/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Domain and S3 answers are JSON the code reads defensively (`b?.x ?? …`); typing every body the
      // engines may send (three engines, several versions) would be guesswork dressed as types.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['__tests__/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
);
