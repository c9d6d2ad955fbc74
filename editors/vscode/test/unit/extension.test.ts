/**
 * Loads the bundled extension (dist/extension.js) against a fake `vscode` module and drives it:
 * the commands are registered; a missing or wrong server gives a clear error with an "Open
 * Settings" action; a server found through the setting is started as `<path> lsp <extraArgs>`
 * and completes the LSP handshake; restart and deactivate shut it down. The server is
 * test/fixtures/fake-lsp-server.js, which records what it receives.
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

/**
 * A stand-in for any part of the VS Code API the test does not care about: callable,
 * constructible, every property is another stand-in, and `dispose` does nothing. It is not
 * thenable, so awaiting one does not hang.
 */
function anything(name: string): any {
  const target = function () {
    return anything(`${name}()`);
  };
  return new Proxy(target, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => undefined;
      return anything(`${name}.${String(prop)}`);
    },
    construct() {
      return anything(`new ${name}`);
    },
  });
}

/** `object`, with `anything` for every member it lacks. */
function withFallback<T extends object>(object: T, name: string): T {
  return new Proxy(object, {
    get: (target, prop) => (prop in target ? (target as any)[prop] : anything(`${name}.${String(prop)}`)),
  });
}

function outputChannel(name: string) {
  const line = (level: string) => (message: string) => seen.logLines.push(`${name} [${level}] ${message}`);
  return withFallback(
    {
      name,
      logLevel: 2,
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
    },
    `channel(${name})`,
  );
}

const fakeVscode = withFallback(
  {
    version: '1.95.0',
    window: withFallback(
      {
        createOutputChannel: outputChannel,
        showErrorMessage: (message: string, ...items: string[]) => {
          seen.errors.push({ message, items });
          return Promise.resolve(seen.nextChoice);
        },
      },
      'window',
    ),
    commands: withFallback(
      {
        registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
          seen.commands.set(id, handler);
          return { dispose: () => seen.commands.delete(id) };
        },
        executeCommand: (...args: unknown[]) => {
          seen.executed.push(args);
          return Promise.resolve(undefined);
        },
      },
      'commands',
    ),
    workspace: withFallback(
      {
        workspaceFolders: undefined,
        textDocuments: [],
        notebookDocuments: [],
        getConfiguration: (section: string) =>
          withFallback(
            {
              get: (key: string, fallback?: unknown) => seen.settings[`${section}.${key}`] ?? fallback,
            },
            `configuration(${section})`,
          ),
        onDidChangeConfiguration: () => ({ dispose: () => undefined }),
      },
      'workspace',
    ),
  },
  'vscode',
);

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), `timed out waiting for: ${what}`);
}

describe('the bundled extension', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = Module._load;
  const savedPath = process.env['PATH'];
  let extension: { activate: (context: unknown) => void; deactivate: () => Promise<void> };
  let dir: string;
  let server: string;
  let record: string;
  const subscriptions: { dispose: () => unknown }[] = [];

  /** The fake server's records: `[pid, event]` pairs. */
  const events = (): [string, string][] =>
    fs.existsSync(record)
      ? fs
          .readFileSync(record, 'utf8')
          .split('\n')
          .filter((l) => l.length > 0)
          .map((l) => {
            const space = l.indexOf(' ');
            return [l.slice(0, space), l.slice(space + 1)];
          })
      : [];
  const eventsOf = (pid: string) => events().filter(([p]) => p === pid).map(([, e]) => e);
  const pids = () => [...new Set(events().map(([p]) => p))];

  before(() => {
    Module._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhythm-ext-'));
    server = path.join(dir, 'bin', 'rhythm');
    fs.mkdirSync(path.dirname(server));
    fs.copyFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'fake-lsp-server.js'), server);
    fs.chmodSync(server, 0o755);
    record = path.join(dir, 'record.txt');
    process.env['FAKE_LSP_RECORD'] = record;
    // No `rhythm` on PATH, but `node` stays reachable for the fake server's #! line.
    process.env['PATH'] = path.dirname(process.execPath);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    extension = require(path.resolve(__dirname, '..', '..', '..', 'dist', 'extension.js'));
  });

  after(() => {
    Module._load = originalLoad;
    process.env['PATH'] = savedPath;
    delete process.env['FAKE_LSP_RECORD'];
    delete process.env['FAKE_LSP_FAIL'];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('activates, registers its commands and reports the missing server', async () => {
    seen.nextChoice = 'Open Settings';
    extension.activate({ subscriptions, extensionPath: path.join(dir, 'extension') });
    assert.deepEqual([...seen.commands.keys()].sort(), ['rhythm.restartServer', 'rhythm.showServerLog']);
    await until('Open Settings to run', () => seen.executed.length > 0);
    assert.equal(seen.errors.length, 1);
    assert.match(seen.errors[0]!.message, /Rhythm language server was not found/);
    assert.deepEqual(seen.errors[0]!.items, ['Open Settings', 'Show Log']);
    assert.deepEqual(seen.executed[0], ['workbench.action.openSettings', 'rhythm.server']);
    assert.ok(seen.logLines.some((l) => l.startsWith('Rhythm Language Server [error]') && l.includes('not found')));
  });

  it('restarts with the new setting and names a wrong path', async () => {
    seen.nextChoice = 'Show Log';
    seen.settings['rhythm.server.path'] = path.join(dir, 'missing', 'rhythm');
    const shownBefore = seen.shownLogs;
    await seen.commands.get('rhythm.restartServer')!();
    await until('the log to be shown', () => seen.shownLogs > shownBefore);
    const last = seen.errors[seen.errors.length - 1]!;
    assert.match(last.message, /rhythm\.server\.path is ".*missing.*rhythm", but .* is not an executable file/);
  });

  it('starts `rhythm lsp` with the extra arguments and completes the handshake', async () => {
    seen.settings['rhythm.server.path'] = server;
    seen.settings['rhythm.server.extraArgs'] = ['--log-level', 'debug', 42];
    const errorsBefore = seen.errors.length;
    await seen.commands.get('rhythm.restartServer')!();
    assert.equal(pids().length, 1);
    const [pid] = pids();
    // `initialized` is a notification: the client does not wait for the server to read it.
    await until('the server to read `initialized`', () => eventsOf(pid!).includes('recv initialized'));
    assert.deepEqual(eventsOf(pid!), ['argv ["lsp","--log-level","debug"]', 'recv initialize', 'recv initialized']);
    assert.ok(seen.logLines.some((l) => l.includes(`starting ${server} lsp --log-level debug (found via setting)`)));
    assert.ok(seen.logLines.some((l) => l.endsWith('the language server is running')));
    assert.equal(seen.errors.length, errorsBefore, 'no error shown');
  });

  it('restart shuts the running server down and starts a new one', async () => {
    const [first] = pids();
    await seen.commands.get('rhythm.restartServer')!();
    await until('the first server to exit', () => eventsOf(first!).includes('recv exit'));
    assert.deepEqual(eventsOf(first!).slice(-2), ['recv shutdown', 'recv exit']);
    assert.equal(pids().length, 2);
    const second = pids()[1]!;
    await until('the new server to read `initialized`', () => eventsOf(second).includes('recv initialized'));
    assert.deepEqual(eventsOf(second), ['argv ["lsp","--log-level","debug"]', 'recv initialize', 'recv initialized']);
  });

  it('shows the server log on request', () => {
    const before = seen.shownLogs;
    seen.commands.get('rhythm.showServerLog')!();
    assert.equal(seen.shownLogs, before + 1);
  });

  it('deactivate shuts the server down', async () => {
    const second = pids()[1]!;
    await extension.deactivate();
    await until('the second server to exit', () => eventsOf(second).includes('recv exit'));
    assert.deepEqual(eventsOf(second).slice(-2), ['recv shutdown', 'recv exit']);
  });

  it('reports a server that exits instead of serving', async () => {
    process.env['FAKE_LSP_FAIL'] = '1';
    seen.nextChoice = undefined;
    seen.settings['rhythm.server.extraArgs'] = [];
    await seen.commands.get('rhythm.restartServer')!();
    await until('an error message', () => seen.errors.some((e) => /failed to start/.test(e.message)));
    const shown = seen.errors.find((e) => /failed to start/.test(e.message))!;
    assert.match(shown.message, new RegExp(`The Rhythm language server \\(${server.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lsp\\) failed to start`));
    assert.deepEqual(shown.items, ['Show Log', 'Open Settings']);
    assert.ok(seen.logLines.some((l) => l.includes('unrecognized subcommand')), 'the server stderr is in the log');
    await extension.deactivate();
  });
});
