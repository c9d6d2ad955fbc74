/**
 * The Rhythm Flow extension: starts `rhythm lsp` over stdio for `.flow` files and gives the
 * "Rhythm: Restart Language Server" and "Rhythm: Show Server Log" commands.
 *
 * Highlighting comes from the TextMate grammar (syntaxes/) and, when the server sends them,
 * from semantic tokens; everything else (diagnostics, completion, hover, ...) is the server's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { LanguageClient, type Executable, type LanguageClientOptions } from 'vscode-languageclient/node';

import { findServer, type DiscoveryEnv } from './serverDiscovery';

/** The language id contributed in package.json. */
export const LANGUAGE_ID = 'rhythm-flow';
/** The client id: VS Code reads `rhythm.trace.server` through it. */
const CLIENT_ID = 'rhythm';
const CLIENT_NAME = 'Rhythm Language Server';
/** Milliseconds the server gets to shut down before it is killed. */
const STOP_TIMEOUT_MS = 2000;

let client: LanguageClient | undefined;
let log: vscode.LogOutputChannel | undefined;
let traceLog: vscode.LogOutputChannel | undefined;
/** Serializes start / stop / restart, so two restarts never interleave. */
let lifecycle: Promise<void> = Promise.resolve();

/** Called by VS Code when a `.flow` file is opened or a Rhythm command runs. */
export function activate(context: vscode.ExtensionContext): void {
  log = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  traceLog = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`, { log: true });
  context.subscriptions.push(log, traceLog);

  context.subscriptions.push(
    vscode.commands.registerCommand('rhythm.restartServer', () => restart(context)),
    vscode.commands.registerCommand('rhythm.showServerLog', () => log?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('rhythm.server')) {
        log?.info('rhythm.server settings changed: restarting the language server');
        void restart(context);
      }
    }),
  );

  void enqueue(() => start(context));
}

/** Called by VS Code on shutdown or when the extension is disabled. */
export function deactivate(): Promise<void> {
  return enqueue(stop);
}

/** Runs `step` after every step queued before it; a failing step does not block later ones. */
function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step).catch((error: unknown) => {
    log?.error(`unexpected error: ${describe(error)}`);
  });
  return lifecycle;
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start(context);
  });
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  try {
    await running.dispose(STOP_TIMEOUT_MS);
  } catch (error) {
    log?.warn(`the language server did not stop cleanly: ${describe(error)}`);
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('rhythm');
  const found = findServer({ configuredPath: config.get<string | null>('server.path') }, discoveryEnv(context));
  if (found.kind === 'not-found') {
    log?.error(found.message);
    void offerSettings(found.message);
    return;
  }

  const extraArgs = stringArray(config.get<unknown>('server.extraArgs'));
  const executable: Executable = {
    command: found.command,
    args: ['lsp', ...extraArgs],
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir() },
  };
  log?.info(`starting ${found.command} ${executable.args?.join(' ')} (found via ${found.source})`);

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    ...(log ? { outputChannel: log } : {}),
    ...(traceLog ? { traceOutputChannel: traceLog } : {}),
  };
  let created: LanguageClient | undefined;
  try {
    created = new LanguageClient(CLIENT_ID, CLIENT_NAME, { run: executable, debug: executable }, clientOptions);
    client = created;
    await created.start();
    log?.info('the language server is running');
  } catch (error) {
    const message = `The Rhythm language server (${found.command} lsp) failed to start: ${describe(error)}`;
    log?.error(message);
    if (created !== undefined) {
      if (client === created) {
        client = undefined;
      }
      try {
        await created.dispose(STOP_TIMEOUT_MS);
      } catch {
        // it never ran; nothing more to clean
      }
    }
    void vscode.window.showErrorMessage(message, 'Show Log', 'Open Settings').then(handleChoice);
  }
}

/** Shows `message` with the actions that fix a missing or wrong server. */
async function offerSettings(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log');
  await handleChoice(choice);
}

async function handleChoice(choice: string | undefined): Promise<void> {
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'rhythm.server');
  } else if (choice === 'Show Log') {
    log?.show(true);
  }
}

/** The real file system and environment, for the server search. */
function discoveryEnv(context: vscode.ExtensionContext): DiscoveryEnv {
  return {
    platform: process.platform,
    pathVar: process.env['PATH'] ?? process.env['Path'],
    pathExt: process.env['PATHEXT'],
    homeDir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    extensionDir: context.extensionPath,
    isExecutableFile,
  };
}

/** True when `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Keeps the strings of a setting that should be a string array (settings are user input). */
function stringArray(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter((item): item is string => typeof item === 'string');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
