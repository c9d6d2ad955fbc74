/** Unit tests of the language-server search (setting, bundled binary, PATH). */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findServer, resolveConfiguredPath, searchPath, type DiscoveryEnv } from '../../src/serverDiscovery';

/** An environment whose only executables are `files`. */
function env(files: string[], overrides: Partial<DiscoveryEnv> = {}): DiscoveryEnv {
  const set = new Set(files);
  return {
    platform: 'linux',
    pathVar: '/usr/local/bin:/usr/bin',
    pathExt: undefined,
    homeDir: '/home/ada',
    workspaceFolder: '/work/project',
    extensionDir: '/ext/rhythm-flow',
    isExecutableFile: (file) => set.has(file),
    ...overrides,
  };
}

describe('findServer', () => {
  it('prefers the setting over the bundled binary and PATH', () => {
    const found = findServer(
      { configuredPath: '/opt/rhythm/bin/rhythm' },
      env(['/opt/rhythm/bin/rhythm', '/ext/rhythm-flow/server/rhythm', '/usr/bin/rhythm']),
    );
    assert.deepEqual(found, { kind: 'found', command: '/opt/rhythm/bin/rhythm', source: 'setting' });
  });

  it('uses the bundled binary when the setting is empty', () => {
    for (const configuredPath of [undefined, null, '', '   ']) {
      const found = findServer({ configuredPath }, env(['/ext/rhythm-flow/server/rhythm', '/usr/bin/rhythm']));
      assert.deepEqual(found, { kind: 'found', command: '/ext/rhythm-flow/server/rhythm', source: 'bundled' });
    }
  });

  it('falls back to PATH, in PATH order', () => {
    const found = findServer({ configuredPath: '' }, env(['/usr/bin/rhythm', '/usr/local/bin/rhythm']));
    assert.deepEqual(found, { kind: 'found', command: '/usr/local/bin/rhythm', source: 'path' });
  });

  it('reports a setting that points nowhere, without falling back', () => {
    const found = findServer({ configuredPath: '/nope/rhythm' }, env(['/usr/bin/rhythm']));
    assert.equal(found.kind, 'not-found');
    assert.ok(found.kind === 'not-found' && found.badSetting);
    assert.match(found.kind === 'not-found' ? found.message : '', /rhythm\.server\.path is "\/nope\/rhythm"/);
  });

  it('explains what it tried when nothing is found', () => {
    const found = findServer({ configuredPath: undefined }, env([]));
    assert.equal(found.kind, 'not-found');
    if (found.kind === 'not-found') {
      assert.equal(found.badSetting, false);
      assert.match(found.message, /rhythm\.server\.path is not set/);
      assert.match(found.message, /\/ext\/rhythm-flow\/server\/rhythm/);
      assert.match(found.message, /not on PATH/);
    }
  });

  it('finds nothing when PATH is unset', () => {
    const found = findServer({ configuredPath: undefined }, env(['/usr/bin/rhythm'], { pathVar: undefined }));
    assert.equal(found.kind, 'not-found');
  });

  it('rejects a relative setting when no folder is open', () => {
    const found = findServer({ configuredPath: 'bin/rhythm' }, env(['/work/project/bin/rhythm'], { workspaceFolder: undefined }));
    assert.equal(found.kind, 'not-found');
    assert.match(found.kind === 'not-found' ? found.message : '', /no folder is open/);
  });

  it('uses rhythm.exe and PATHEXT on Windows', () => {
    const windows = env(['C:\\ext\\server\\rhythm.exe'], {
      platform: 'win32',
      extensionDir: 'C:\\ext',
      pathVar: 'C:\\tools;"C:\\Program Files\\Rhythm"',
      pathExt: '.COM;.EXE',
      homeDir: 'C:\\Users\\ada',
      workspaceFolder: 'C:\\work',
    });
    assert.deepEqual(findServer({ configuredPath: '' }, windows), {
      kind: 'found',
      command: 'C:\\ext\\server\\rhythm.exe',
      source: 'bundled',
    });
    const onPath = { ...windows, isExecutableFile: (f: string) => f === 'C:\\Program Files\\Rhythm\\rhythm.exe' };
    assert.deepEqual(findServer({ configuredPath: '' }, onPath), {
      kind: 'found',
      command: 'C:\\Program Files\\Rhythm\\rhythm.exe',
      source: 'path',
    });
  });
});

describe('resolveConfiguredPath', () => {
  it('expands ~ and resolves relative paths against the workspace folder', () => {
    const e = env([]);
    assert.equal(resolveConfiguredPath('~/bin/rhythm', e), '/home/ada/bin/rhythm');
    assert.equal(resolveConfiguredPath('target/release/rhythm', e), '/work/project/target/release/rhythm');
    assert.equal(resolveConfiguredPath('./target/../bin/rhythm', e), '/work/project/bin/rhythm');
    assert.equal(resolveConfiguredPath('/abs//rhythm', e), '/abs/rhythm');
  });
});

describe('searchPath', () => {
  it('skips empty PATH entries and non-executables', () => {
    const e = env(['/b/rhythm'], { pathVar: '::/a:/b' });
    assert.equal(searchPath(e), '/b/rhythm');
  });
});
