/**
 * Loads the bundled extension (dist/extension.js) against a fake `vscode` module and checks
 * activation: the commands are registered, and a missing or wrong server gives a clear error
 * with an "Open Settings" action. (Starting a real client needs VS Code itself.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

interface ShownError {
  message: string;
  items: string[];
}

/** What the fake VS Code saw. */
const seen = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  errors: [] as ShownError[],
  executed: [] as unknown[][],
  logLines: [] as string[],
  shownLogs: 0,
  /** What the user clicks on the next error message. */
  nextChoice: undefined as string | undefined,
  settings: {} as Record<string, unknown>,
};

function outputChannel(name: string) {
  const line = (level: string) => (message: string) => seen.logLines.push(`${name} [${level}] ${message}`);
  return {
    name,
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    debug: line('debug'),
    trace: line('trace'),
    append: line('raw'),
    appendLine: line('raw'),
    show: () => {
      seen.shownLogs++;
    },
    dispose: () => undefined,
  };
}

const fakeApi: Record<string, unknown> = {
  window: {
    createOutputChannel: outputChannel,
    showErrorMessage: (message: string, ...items: string[]) => {
      seen.errors.push({ message, items });
      return Promise.resolve(seen.nextChoice);
    },
  },
  commands: {
    registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
      seen.commands.set(id, handler);
      return { dispose: () => seen.commands.delete(id) };
    },
    executeCommand: (...args: unknown[]) => {
      seen.executed.push(args);
      return Promise.resolve(undefined);
    },
  },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: (section: string) => ({
      get: (key: string) => seen.settings[`${section}.${key}`],
    }),
    onDidChangeConfiguration: () => ({ dispose: () => undefined }),
  },
};
// vscode-languageclient subclasses some vscode classes when it loads: any other name is a class.
const fakeVscode = new Proxy(fakeApi, {
  get: (target, prop: string) => (prop in target ? target[prop] : class {}),
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(condition(), 'condition not reached in time');
}

describe('the bundled extension', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = Module._load;
  const savedPath = process.env['PATH'];
  let extension: { activate: (context: unknown) => void; deactivate: () => Promise<void> };
  let extensionDir: string;
  const subscriptions: { dispose: () => unknown }[] = [];

  before(() => {
    Module._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
    };
    extensionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhythm-ext-'));
    process.env['PATH'] = extensionDir; // no `rhythm` anywhere
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    extension = require(path.resolve(__dirname, '..', '..', '..', 'dist', 'extension.js'));
  });

  after(() => {
    Module._load = originalLoad;
    process.env['PATH'] = savedPath;
    fs.rmSync(extensionDir, { recursive: true, force: true });
  });

  it('activates, registers its commands and reports the missing server', async () => {
    seen.nextChoice = 'Open Settings';
    extension.activate({ subscriptions, extensionPath: extensionDir });
    assert.deepEqual([...seen.commands.keys()].sort(), ['rhythm.restartServer', 'rhythm.showServerLog']);
    await until(() => seen.executed.length > 0);
    assert.equal(seen.errors.length, 1);
    assert.match(seen.errors[0]!.message, /Rhythm language server was not found/);
    assert.deepEqual(seen.errors[0]!.items, ['Open Settings', 'Show Log']);
    assert.deepEqual(seen.executed[0], ['workbench.action.openSettings', 'rhythm.server']);
    assert.ok(seen.logLines.some((l) => l.startsWith('Rhythm Language Server [error]') && l.includes('not found')));
  });

  it('restarts with the new setting and names a wrong path', async () => {
    seen.nextChoice = 'Show Log';
    seen.settings['rhythm.server.path'] = path.join(extensionDir, 'missing', 'rhythm');
    const shownBefore = seen.shownLogs;
    await seen.commands.get('rhythm.restartServer')!();
    await until(() => seen.shownLogs > shownBefore);
    const last = seen.errors[seen.errors.length - 1]!;
    assert.match(last.message, /rhythm\.server\.path is ".*missing.*rhythm", but .* is not an executable file/);
  });

  it('shows the server log on request', () => {
    const before = seen.shownLogs;
    seen.commands.get('rhythm.showServerLog')!();
    assert.equal(seen.shownLogs, before + 1);
  });

  it('deactivates cleanly when no server runs', async () => {
    await extension.deactivate();
  });
});
