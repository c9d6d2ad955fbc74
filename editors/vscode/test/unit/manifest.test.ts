/** Checks that package.json, the grammar and the language configuration agree. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const readJson = (file: string): any => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const pkg = readJson('package.json');

describe('package.json', () => {
  it('contributes the rhythm-flow language for .flow files', () => {
    const [language] = pkg.contributes.languages;
    assert.equal(language.id, 'rhythm-flow');
    assert.deepEqual(language.extensions, ['.flow']);
    assert.ok(language.aliases.includes('Rhythm Flow'));
    assert.ok(pkg.activationEvents.includes('onLanguage:rhythm-flow'));
  });

  it('points at a grammar whose scope name matches', () => {
    const [grammar] = pkg.contributes.grammars;
    assert.equal(grammar.language, 'rhythm-flow');
    const tm = readJson(grammar.path);
    assert.equal(tm.scopeName, grammar.scopeName);
  });

  it('declares the commands and settings the extension reads', () => {
    const commands = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(commands, ['rhythm.restartServer', 'rhythm.showServerLog']);
    const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
    for (const command of commands) {
      assert.ok(source.includes(`'${command}'`), `${command} is registered in extension.ts`);
    }
    const settings = Object.keys(pkg.contributes.configuration.properties).sort();
    assert.deepEqual(settings, ['rhythm.server.extraArgs', 'rhythm.server.path', 'rhythm.trace.server']);
  });

  it('maps every semantic token type and modifier the server sends', () => {
    const [entry] = pkg.contributes.semanticTokenScopes;
    assert.equal(entry.language, 'rhythm-flow');
    const selectors = Object.keys(entry.scopes);
    const types = ['namespace', 'function', 'method', 'variable', 'parameter', 'property', 'string', 'number',
      'keyword', 'comment', 'operator'];
    for (const type of types) {
      assert.ok(selectors.includes(type), `semantic token type ${type} is mapped`);
    }
    const modifiers = new Set(selectors.flatMap((s) => s.split('.').slice(1)));
    for (const modifier of ['declaration', 'readonly', 'defaultLibrary', 'async']) {
      assert.ok(modifiers.has(modifier), `semantic token modifier ${modifier} is mapped`);
    }
    for (const selector of selectors) {
      assert.ok(types.includes(selector.split('.')[0]!), `${selector} starts with a known type`);
      for (const scope of entry.scopes[selector]) {
        assert.match(scope, /\.rhythm$/, `${selector} maps to a scope of this grammar`);
      }
    }
  });

  it('bundles for packaging without node_modules', () => {
    assert.equal(pkg.main, './dist/extension.js');
    assert.match(pkg.scripts.package, /--no-dependencies/);
  });
});

describe('language-configuration.json', () => {
  const config = readJson('language-configuration.json');

  it('has valid regular expressions', () => {
    const patterns = [
      config.wordPattern,
      config.folding.markers.start,
      config.folding.markers.end,
      ...Object.values(config.indentationRules),
      ...config.onEnterRules.flatMap((r: Record<string, unknown>) =>
        ['beforeText', 'afterText', 'previousLineText'].map((k) => r[k]).filter((v) => v !== undefined)),
    ];
    for (const pattern of patterns) {
      assert.doesNotThrow(() => new RegExp(pattern as string), String(pattern));
    }
  });

  it('folds // #region blocks and indents after an open brace', () => {
    assert.ok(new RegExp(config.folding.markers.start).test('  // #region setup'));
    assert.ok(new RegExp(config.folding.markers.end).test('// #endregion'));
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    assert.ok(increase.test('for (const x of xs) {'));
    assert.ok(!increase.test('const o = { a: 1 }'));
    assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('  })'));
  });

  it('does not auto-close quotes inside strings and comments', () => {
    for (const quote of ['"', "'", '`']) {
      const pair = config.autoClosingPairs.find((p: { open: string }) => p.open === quote);
      assert.deepEqual(pair.notIn.sort(), ['comment', 'string']);
    }
  });

  it('treats identifiers with $ and digits as one word', () => {
    const words = 'const $total_2 = Inputs.amount'.match(new RegExp(config.wordPattern, 'g'));
    assert.deepEqual(words, ['const', '$total_2', 'Inputs', 'amount']);
  });
});
