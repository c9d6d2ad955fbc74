#!/usr/bin/env node
// Bundles src/extension.ts and its dependencies (vscode-languageclient) into dist/extension.js,
// so the .vsix needs no node_modules. `--production` minifies and drops the source map.
import { build } from 'esbuild';

const production = process.argv.includes('--production');

await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
});
console.log(`bundled dist/extension.js${production ? ' (production)' : ''}`);
