#!/usr/bin/env node
// Generates syntaxes/flow.tmLanguage.json, the TextMate grammar of Rhythm's .flow language.
//
// The grammar is written here, in JavaScript with String.raw regexes, because hand-escaped JSON
// regexes are hard to read and easy to get wrong. The generated JSON is committed; `npm test`
// runs this script with `--check` and fails when the committed file is stale.
//
//   node scripts/gen-grammar.mjs          rewrite the JSON
//   node scripts/gen-grammar.mjs --check  exit 1 when the JSON differs from what this generates

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const r = String.raw;
const S = '.rhythm'; // scope suffix: every scope name of this grammar ends in it

/** An identifier, as JavaScript defines it (ASCII subset plus Unicode letters). */
const ID = r`[_$[:alpha:]][_$[:alnum:]]*`;
/** Not preceded by an identifier character, nor by a lone `.` (`...await x` is still a keyword). */
const START = r`(?<![_$[:alnum:]])(?:(?<=\.\.\.)|(?<!\.))`;
/** Not followed by an identifier character: `nullable`, `letter`, `returnValue` are identifiers. */
const END = r`(?![_$[:alnum:]])`;
/** A whole word from a list, with the boundaries above. */
const word = (...words) => r`${START}(?:${words.join('|')})${END}`;

/** A duration literal's text: `500ms`, `30s`, `15m`, `48h`, `7d`, `1h30m`, `1.5h`. */
const DURATION = r`(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d))+`;

/** The durable globals and built-in namespaces, with the members the language supports. */
const GLOBALS = [
  { name: 'Task', scope: 'support.class.durable', members: ['run'] },
  { name: 'Signal', scope: 'support.class.durable', members: ['next', 'when'] },
  { name: 'Timer', scope: 'support.class.durable', members: ['delay', 'until'] },
  { name: 'Workflow', scope: 'support.class.durable', members: ['run'] },
  { name: 'Inputs', scope: 'support.variable.durable', members: [] },
  { name: 'Context', scope: 'support.variable.durable', members: ['executionId', 'workflowName', 'version'] },
  { name: 'Promise', scope: 'support.class.builtin', members: ['all', 'allSettled', 'any', 'race', 'resolve', 'reject'] },
  {
    name: 'Math',
    scope: 'support.class.builtin',
    members: ['floor', 'ceil', 'round', 'trunc', 'sign', 'abs', 'min', 'max', 'pow', 'sqrt', 'log', 'exp', 'random',
      'PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2'],
  },
  { name: 'JSON', scope: 'support.class.builtin', members: ['parse', 'stringify'] },
  { name: 'Date', scope: 'support.class.builtin', members: ['now'] },
  { name: 'Object', scope: 'support.class.builtin', members: ['keys', 'values', 'entries', 'assign', 'fromEntries'] },
  { name: 'Array', scope: 'support.class.builtin', members: ['isArray', 'from'] },
  { name: 'Number', scope: 'support.class.builtin', members: ['isInteger', 'isNaN', 'isFinite', 'parseFloat', 'parseInt', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER', 'EPSILON'] },
  { name: 'String', scope: 'support.class.builtin', members: [] },
  { name: 'Boolean', scope: 'support.class.builtin', members: [] },
  { name: 'Error', scope: 'support.class.builtin', members: [] },
  { name: 'console', scope: 'support.class.console', members: ['log'] },
];
/** Global functions. */
const GLOBAL_FUNCTIONS = ['parseInt', 'parseFloat', 'isNaN', 'isFinite'];

/** One rule for a global, with its optional `.member` / `?.member`. */
function globalRule({ name, scope, members }) {
  if (members.length === 0) {
    return { match: r`${START}(${name})${END}`, captures: { 1: { name: scope + S } } };
  }
  const isValue = (m) => /^[A-Z0-9_]+$/.test(m) || name === 'Context';
  const fnMembers = members.filter((m) => !isValue(m));
  const valueMembers = members.filter(isValue);
  // Both groups always exist (an empty list becomes a group that never matches), so the
  // capture numbers below stay fixed.
  const fnGroup = r`(${fnMembers.join('|') || '(?!)'})`;
  const valueGroup = r`(${valueMembers.join('|') || '(?!)'})`;
  return {
    match: r`${START}(${name})(?:\s*(\?\.|\.)\s*(?:${fnGroup}|${valueGroup})${END})?${END}`,
    captures: {
      1: { name: scope + S },
      2: { patterns: [{ include: '#accessor' }] },
      3: { name: 'support.function' + S },
      4: { name: 'support.constant' + S },
    },
  };
}

/** A string literal whose whole text is a duration, in quote `q`. */
function durationString(q, prefix, prefixCaptures) {
  const quoted = q === '"' ? 'double' : 'single';
  const n = Object.keys(prefixCaptures).length;
  return {
    match: r`${prefix}((${q})(${DURATION})(${q}))`,
    captures: {
      ...prefixCaptures,
      [n + 1]: { name: `string.quoted.${quoted}${S}` },
      [n + 2]: { name: 'punctuation.definition.string.begin' + S },
      [n + 3]: { name: 'constant.other.duration' + S },
      [n + 4]: { name: 'punctuation.definition.string.end' + S },
    },
  };
}

/** Keys whose value is a duration: `timeout` (tasks, signals), `initial` and `maxDelay` (backoff). */
const DURATION_KEYS = ['timeout', 'initial', 'maxDelay'];
/** Position where an object-literal key may start: after `{` or `,`, or at the start of a line. */
const KEY_START = r`(?:(?<=[{,])|^)\s*`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Rhythm Flow',
  scopeName: 'source.rhythm',
  fileTypes: ['flow'],
  patterns: [{ include: '#shebang' }, { include: '#statements' }],
  repository: {
    shebang: {
      match: r`\A(#!).*$`,
      name: 'comment.line.shebang' + S,
      captures: { 1: { name: 'punctuation.definition.comment' + S } },
    },
    statements: {
      patterns: [
        { include: '#comments' },
        { include: '#durations' },
        { include: '#object-key' },
        { include: '#strings' },
        { include: '#template' },
        { include: '#numbers' },
        { include: '#function-declaration' },
        { include: '#arrow-parameters' },
        { include: '#declaration' },
        { include: '#keywords' },
        { include: '#constants' },
        { include: '#globals' },
        { include: '#function-call' },
        { include: '#property' },
        { include: '#identifier' },
        { include: '#operators' },
        { include: '#punctuation' },
        { include: '#brace-block' },
        { include: '#square-brackets' },
        { include: '#round-brackets' },
      ],
    },

    // ---- comments ------------------------------------------------------------------------
    comments: {
      patterns: [
        {
          name: 'comment.block.documentation' + S,
          begin: r`/\*\*(?!/)`,
          end: r`\*/`,
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin' + S } },
          endCaptures: { 0: { name: 'punctuation.definition.comment.end' + S } },
        },
        {
          name: 'comment.block' + S,
          begin: r`/\*`,
          end: r`\*/`,
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin' + S } },
          endCaptures: { 0: { name: 'punctuation.definition.comment.end' + S } },
        },
        {
          // `// #region name` / `// #endregion`: folding markers, shown like the JS grammar does.
          match: r`(//)\s*(#(?:end)?region)\b(.*)$`,
          name: 'comment.line.double-slash.region' + S,
          captures: {
            1: { name: 'punctuation.definition.comment' + S },
            2: { name: 'keyword.other.region' + S },
          },
        },
        {
          begin: r`//`,
          end: r`$`,
          name: 'comment.line.double-slash' + S,
          beginCaptures: { 0: { name: 'punctuation.definition.comment' + S } },
        },
      ],
    },

    // ---- literals ------------------------------------------------------------------------
    strings: {
      patterns: [
        {
          name: 'string.quoted.double' + S,
          begin: '"',
          end: r`(")|((?:[^\\\n])$)`,
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin' + S } },
          endCaptures: {
            1: { name: 'punctuation.definition.string.end' + S },
            2: { name: 'invalid.illegal.newline' + S },
          },
          patterns: [{ include: '#string-escape' }],
        },
        {
          name: 'string.quoted.single' + S,
          begin: "'",
          end: r`(')|((?:[^\\\n])$)`,
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin' + S } },
          endCaptures: {
            1: { name: 'punctuation.definition.string.end' + S },
            2: { name: 'invalid.illegal.newline' + S },
          },
          patterns: [{ include: '#string-escape' }],
        },
      ],
    },
    'string-escape': {
      name: 'constant.character.escape' + S,
      match: r`\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|u\{[0-9A-Fa-f]+\}|[0-7]{1,3}|.|$)`,
    },
    template: {
      name: 'string.template' + S,
      begin: '`',
      end: '`',
      beginCaptures: { 0: { name: 'punctuation.definition.string.template.begin' + S } },
      endCaptures: { 0: { name: 'punctuation.definition.string.template.end' + S } },
      patterns: [{ include: '#string-escape' }, { include: '#template-substitution' }],
    },
    'template-substitution': {
      name: 'meta.template.expression' + S,
      begin: r`\$\{`,
      end: r`\}`,
      beginCaptures: { 0: { name: 'punctuation.definition.template-expression.begin' + S } },
      endCaptures: { 0: { name: 'punctuation.definition.template-expression.end' + S } },
      contentName: 'meta.embedded.line' + S,
      patterns: [{ include: '#statements' }],
    },
    numbers: {
      patterns: [
        { name: 'constant.numeric.hex' + S, match: r`${START}0[xX][0-9A-Fa-f][0-9A-Fa-f_]*n?${END}` },
        { name: 'constant.numeric.binary' + S, match: r`${START}0[bB][01][01_]*n?${END}` },
        { name: 'constant.numeric.octal' + S, match: r`${START}0[oO][0-7][0-7_]*n?${END}` },
        {
          // 1  1_000  1.5  1.  .5  1e3  1E+3  2.5e-3  .5e-3  10n
          name: 'constant.numeric.decimal' + S,
          match: r`(?<![_$[:alnum:]]|\.)(?:[0-9][0-9_]*(?:\.(?:[0-9][0-9_]*)?)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?n?${END}`,
        },
      ],
    },
    constants: {
      patterns: [
        { name: 'constant.language.boolean.true' + S, match: word('true') },
        { name: 'constant.language.boolean.false' + S, match: word('false') },
        { name: 'constant.language.null' + S, match: word('null') },
        { name: 'constant.language.undefined' + S, match: word('undefined') },
        { name: 'constant.language.nan' + S, match: word('NaN') },
        { name: 'constant.language.infinity' + S, match: word('Infinity') },
        { name: 'variable.language.this' + S, match: word('this') },
      ],
    },

    // ---- durations -----------------------------------------------------------------------
    durations: {
      patterns: [
        // Timer.delay("1d")
        ...['"', "'"].map((q) =>
          durationString(q, r`${START}(Timer)\s*(\?\.|\.)\s*(delay)\s*(\()\s*`, {
            1: { name: 'support.class.durable' + S },
            2: { patterns: [{ include: '#accessor' }] },
            3: { name: 'support.function' + S },
            4: { name: 'meta.brace.round' + S },
          }),
        ),
        // { timeout: "30s" }, { retries: { initial: "1s", maxDelay: "1m" } }
        ...['"', "'"].map((q) =>
          durationString(q, r`${KEY_START}(${DURATION_KEYS.join('|')})\s*(:)\s*`, {
            1: { name: 'meta.object-literal.key' + S },
            2: { name: 'punctuation.separator.key-value' + S },
          }),
        ),
      ],
    },

    // ---- declarations and functions --------------------------------------------------------
    'object-key': {
      patterns: [
        {
          // "quoted key": / 'quoted key':
          match: r`${KEY_START}("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(:)(?!:)`,
          captures: {
            1: { name: 'meta.object-literal.key' + S, patterns: [{ include: '#strings' }] },
            2: { name: 'punctuation.separator.key-value' + S },
          },
        },
        {
          // after `{` or `,`: any name, keywords included (`{ default: 1, new: 2 }`)
          match: r`(?<=[{,])\s*(${ID})\s*(:)(?!:)`,
          captures: {
            1: { name: 'meta.object-literal.key' + S },
            2: { name: 'punctuation.separator.key-value' + S },
          },
        },
        {
          // at the start of a line, in a multi-line object; `default:` there is a switch label
          match: r`^\s*(?!(?:default|case)\s*:)(${ID})\s*(:)(?!:)`,
          captures: {
            1: { name: 'meta.object-literal.key' + S },
            2: { name: 'punctuation.separator.key-value' + S },
          },
        },
      ],
    },
    'function-declaration': {
      name: 'meta.function' + S,
      begin: r`${START}(?:(async)\s+)?(function)${END}\s*(\*)?\s*(${ID})?\s*(\()`,
      end: r`\)`,
      beginCaptures: {
        1: { name: 'storage.modifier.async' + S },
        2: { name: 'storage.type.function' + S },
        3: { name: 'keyword.generator.asterisk' + S },
        4: { name: 'entity.name.function' + S },
        5: { name: 'punctuation.definition.parameters.begin' + S },
      },
      endCaptures: { 0: { name: 'punctuation.definition.parameters.end' + S } },
      contentName: 'meta.parameters' + S,
      patterns: [{ include: '#parameters' }],
    },
    'arrow-parameters': {
      patterns: [
        {
          // x => ...   async x => ...
          match: r`${START}(?:(async)\s+)?(${ID})\s*(?==>)`,
          captures: {
            1: { name: 'storage.modifier.async' + S },
            2: { name: 'variable.parameter' + S },
          },
        },
        {
          // (a, { b = 1 }) => ...   async (x) => ...   (the list must close on the same line)
          name: 'meta.arrow' + S,
          begin: r`${START}(?:(async)\s*)?(\()(?=(?:[^()'"\x60]|\((?:[^()]|\([^()]*\))*\)|'[^']*'|"[^"]*")*\)\s*=>)`,
          end: r`\)`,
          beginCaptures: {
            1: { name: 'storage.modifier.async' + S },
            2: { name: 'punctuation.definition.parameters.begin' + S },
          },
          endCaptures: { 0: { name: 'punctuation.definition.parameters.end' + S } },
          contentName: 'meta.parameters' + S,
          patterns: [{ include: '#parameters' }],
        },
      ],
    },
    parameters: {
      patterns: [
        { include: '#comments' },
        {
          name: 'meta.parameter.default' + S,
          begin: '=',
          end: r`(?=[,)}\]])`,
          beginCaptures: { 0: { name: 'keyword.operator.assignment' + S } },
          patterns: [{ include: '#parenthesized' }, { include: '#statements' }],
        },
        { name: 'keyword.operator.rest' + S, match: r`\.\.\.` },
        {
          // `{ a: b }` rename: `a` is the key, `b` the parameter
          match: r`(${ID})\s*(:)`,
          captures: {
            1: { name: 'meta.object-binding.key' + S },
            2: { name: 'punctuation.separator.key-value' + S },
          },
        },
        { name: 'variable.parameter' + S, match: r`${START}${ID}${END}` },
        {
          begin: r`\{`,
          end: r`\}`,
          beginCaptures: { 0: { name: 'punctuation.definition.binding-pattern.object' + S } },
          endCaptures: { 0: { name: 'punctuation.definition.binding-pattern.object' + S } },
          patterns: [{ include: '#parameters' }],
        },
        {
          begin: r`\[`,
          end: r`\]`,
          beginCaptures: { 0: { name: 'punctuation.definition.binding-pattern.array' + S } },
          endCaptures: { 0: { name: 'punctuation.definition.binding-pattern.array' + S } },
          patterns: [{ include: '#parameters' }],
        },
        { name: 'punctuation.separator.parameter' + S, match: ',' },
      ],
    },
    parenthesized: {
      begin: r`\(`,
      end: r`\)`,
      beginCaptures: { 0: { name: 'meta.brace.round' + S } },
      endCaptures: { 0: { name: 'meta.brace.round' + S } },
      patterns: [{ include: '#parenthesized' }, { include: '#statements' }],
    },
    declaration: {
      patterns: [
        {
          match: r`${START}(const)\s+(${ID})${END}`,
          captures: {
            1: { name: 'storage.type.const' + S },
            2: { name: 'variable.other.constant' + S },
          },
        },
        {
          match: r`${START}(let|var)\s+(${ID})${END}`,
          captures: {
            1: { name: 'storage.type.let' + S },
            2: { name: 'variable.other.readwrite' + S },
          },
        },
        { name: 'storage.type.const' + S, match: word('const') },
        { name: 'storage.type.let' + S, match: word('let', 'var') },
      ],
    },
    keywords: {
      patterns: [
        { name: 'keyword.control.conditional' + S, match: word('if', 'else') },
        {
          // case EXPR:   (the colon ends the clause; it is no ternary)
          name: 'meta.case-clause' + S,
          begin: r`${START}(case)${END}`,
          end: ':',
          beginCaptures: { 1: { name: 'keyword.control.switch' + S } },
          endCaptures: { 0: { name: 'punctuation.definition.section.case-statement' + S } },
          patterns: [{ include: '#statements' }],
        },
        {
          match: r`${START}(default)\s*(:)`,
          captures: {
            1: { name: 'keyword.control.switch' + S },
            2: { name: 'punctuation.definition.section.case-statement' + S },
          },
        },
        { name: 'keyword.control.switch' + S, match: word('switch', 'case', 'default') },
        { name: 'keyword.control.loop' + S, match: word('for', 'while', 'do', 'break', 'continue') },
        { name: 'keyword.control.flow' + S, match: word('return', 'throw', 'await', 'yield') },
        { name: 'keyword.control.trycatch' + S, match: word('try', 'catch', 'finally') },
        { name: 'keyword.operator.new' + S, match: word('new') },
        { name: 'keyword.operator.expression.$1' + S, match: r`${START}(typeof|instanceof|void|delete|in|of)${END}` },
        { name: 'storage.type.function' + S, match: word('function') },
        {
          name: 'storage.modifier.async' + S,
          match: r`${START}async(?=\s*(?:function${END}|\(|${ID}\s*=>))`,
        },
        // Reserved by JavaScript and rejected by Rhythm's analyzer; shown as keywords so that
        // nobody mistakes them for names.
        { name: 'storage.type.class' + S, match: word('class') },
        { name: 'keyword.control.import' + S, match: word('import', 'export') },
        { name: 'keyword.other' + S, match: word('with', 'debugger', 'extends', 'super') },
      ],
    },
    globals: {
      patterns: [
        ...GLOBALS.map(globalRule),
        { match: r`${START}(${GLOBAL_FUNCTIONS.join('|')})${END}`, captures: { 1: { name: 'support.function' + S } } },
      ],
    },
    'function-call': {
      patterns: [
        {
          // .map(   ?.push(
          match: r`(\?\.|\.)\s*(${ID})(?=\s*(?:\?\.\s*)?\()`,
          captures: {
            1: { patterns: [{ include: '#accessor' }] },
            2: { name: 'entity.name.function' + S },
          },
        },
        {
          // step(   f?.(
          match: r`${START}(${ID})(?=\s*(?:\?\.\s*)?\()`,
          captures: { 1: { name: 'entity.name.function' + S } },
        },
      ],
    },
    property: {
      match: r`(\?\.|\.)\s*(${ID})`,
      captures: {
        1: { patterns: [{ include: '#accessor' }] },
        2: { name: 'variable.other.property' + S },
      },
    },
    accessor: {
      patterns: [
        { name: 'punctuation.accessor.optional' + S, match: r`\?\.` },
        { name: 'punctuation.accessor' + S, match: r`\.` },
      ],
    },
    identifier: {
      name: 'variable.other.readwrite' + S,
      match: r`${START}${ID}${END}`,
    },

    // ---- operators and punctuation ----------------------------------------------------------
    operators: {
      patterns: [
        { name: 'keyword.operator.spread' + S, match: r`\.\.\.` },
        { name: 'storage.type.function.arrow' + S, match: '=>' },
        { name: 'keyword.operator.assignment.compound' + S, match: r`\?\?=|\|\|=|&&=|\*\*=|>>>=|<<=|>>=|[-+*/%&|^]=` },
        { name: 'keyword.operator.comparison' + S, match: r`===|!==|==|!=` },
        { name: 'keyword.operator.relational' + S, match: r`<=|>=|<(?!<)|>(?!>)` },
        { name: 'keyword.operator.bitwise.shift' + S, match: r`>>>|<<|>>` },
        { name: 'punctuation.accessor.optional' + S, match: r`\?\.(?![0-9])` },
        { name: 'keyword.operator.logical' + S, match: r`\?\?|&&|\|\||!` },
        { name: 'keyword.operator.assignment' + S, match: '=' },
        { name: 'keyword.operator.increment' + S, match: r`\+\+` },
        { name: 'keyword.operator.decrement' + S, match: '--' },
        { name: 'keyword.operator.arithmetic' + S, match: r`\*\*|[-+*/%]` },
        { name: 'keyword.operator.bitwise' + S, match: r`[&|^~]` },
        { name: 'keyword.operator.ternary' + S, match: r`\?|:` },
      ],
    },
    punctuation: {
      patterns: [
        { name: 'punctuation.terminator.statement' + S, match: ';' },
        { name: 'punctuation.separator.comma' + S, match: ',' },
        { name: 'punctuation.accessor' + S, match: r`\.` },
      ],
    },
    'brace-block': {
      begin: r`\{`,
      end: r`\}`,
      beginCaptures: { 0: { name: 'punctuation.definition.block' + S } },
      endCaptures: { 0: { name: 'punctuation.definition.block' + S } },
      patterns: [{ include: '#statements' }],
    },
    'square-brackets': {
      begin: r`\[`,
      end: r`\]`,
      beginCaptures: { 0: { name: 'meta.brace.square' + S } },
      endCaptures: { 0: { name: 'meta.brace.square' + S } },
      patterns: [{ include: '#statements' }],
    },
    'round-brackets': {
      patterns: [{ name: 'meta.brace.round' + S, match: r`[()]` }],
    },
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', 'syntaxes', 'flow.tmLanguage.json');
const text = JSON.stringify(grammar, null, 2) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (current !== text) {
    console.error(`${target} is stale: run \`node scripts/gen-grammar.mjs\` and commit the result`);
    process.exit(1);
  }
  console.log('grammar: syntaxes/flow.tmLanguage.json is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
