import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is pure: "now" is a required input and timing an injected clock. `new Date(x)` of
    // a given value (parsing, formatting) stays allowed; reading the clock or the process does not.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The engine reads no clock: take `now` from the caller (EvaluateOptions.now).',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The engine reads no clock: take `now` from the caller (EvaluateOptions.now).',
        },
        { selector: "CallExpression[callee.name='Date']", message: '`Date()` reads the clock: take `now` from the caller (EvaluateOptions.now).' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'performance', message: 'The engine reads no clock: timing is injected (TreeEvaluateOptions.clock).' },
        { name: 'process', message: 'The engine reads no environment: the host passes what it needs.' },
        { name: 'setTimeout', message: 'The engine is synchronous and pure: no timers.' },
        { name: 'setInterval', message: 'The engine is synchronous and pure: no timers.' },
        { name: 'setImmediate', message: 'The engine is synchronous and pure: no timers.' },
      ],
    },
  },
);
