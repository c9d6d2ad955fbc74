/**
 * Finds the `rhythm` executable that runs the language server.
 *
 * Pure logic with injected file-system and environment access, so it is unit-tested without
 * VS Code. The order is: the `rhythm.server.path` setting, then a binary bundled inside the
 * extension (`server/rhythm`, `server/rhythm.exe` on Windows), then `rhythm` on `PATH`.
 */
import * as path from 'node:path';

/** Where the executable was found. */
export type ServerSource = 'setting' | 'bundled' | 'path';

/** A server executable that was found. */
export interface FoundServer {
  readonly kind: 'found';
  /** Absolute path of the executable. */
  readonly command: string;
  /** Which step of the search found it. */
  readonly source: ServerSource;
}

/** No usable executable; `message` says what was tried and how to fix it. */
export interface ServerNotFound {
  readonly kind: 'not-found';
  readonly message: string;
  /** True when the setting names a file that is not there (rather than nothing found at all). */
  readonly badSetting: boolean;
}

/** What the search needs from the outside world. */
export interface DiscoveryEnv {
  /** `process.platform`. */
  readonly platform: NodeJS.Platform;
  /** The `PATH` variable (undefined when unset). */
  readonly pathVar: string | undefined;
  /** `PATHEXT` on Windows (e.g. `.COM;.EXE;.BAT`). */
  readonly pathExt: string | undefined;
  /** The user's home directory, for `~` expansion. */
  readonly homeDir: string;
  /** The first workspace folder, to resolve a relative setting; undefined without one. */
  readonly workspaceFolder: string | undefined;
  /** The extension's install directory. */
  readonly extensionDir: string;
  /** True when `file` exists, is a regular file and may be executed. */
  readonly isExecutableFile: (file: string) => boolean;
}

/** Search input: the raw `rhythm.server.path` setting value (may be empty or null). */
export interface DiscoveryOptions {
  readonly configuredPath: string | null | undefined;
}

/** The executable's base name on this platform. */
export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'rhythm.exe' : 'rhythm';
}

/** The path module for the target platform (so Windows behaviour is testable on Linux). */
function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands a leading `~` and resolves a relative path against the workspace folder. */
export function resolveConfiguredPath(raw: string, env: DiscoveryEnv): string | undefined {
  const p = pathFor(env.platform);
  let value = raw.trim();
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    value = p.join(env.homeDir, value.slice(1));
  }
  if (p.isAbsolute(value)) {
    return p.normalize(value);
  }
  if (env.workspaceFolder === undefined) {
    return undefined;
  }
  return p.resolve(env.workspaceFolder, value);
}

/** Looks `rhythm` up in `PATH`, trying the `PATHEXT` extensions on Windows. */
export function searchPath(env: DiscoveryEnv): string | undefined {
  if (!env.pathVar) {
    return undefined;
  }
  const p = pathFor(env.platform);
  const windows = env.platform === 'win32';
  const names = windows
    ? (env.pathExt ?? '.COM;.EXE;.BAT;.CMD')
        .split(';')
        .filter((e) => e.length > 0)
        .map((e) => 'rhythm' + e.toLowerCase())
    : ['rhythm'];
  for (const rawDir of env.pathVar.split(windows ? ';' : ':')) {
    // Windows allows quoted PATH entries; an empty entry means nothing here.
    const dir = rawDir.trim().replace(/^"(.*)"$/, '$1');
    if (dir.length === 0) {
      continue;
    }
    for (const name of names) {
      const candidate = p.join(dir, name);
      if (env.isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Runs the search. */
export function findServer(options: DiscoveryOptions, env: DiscoveryEnv): FoundServer | ServerNotFound {
  const configured = options.configuredPath?.trim() ?? '';
  if (configured.length > 0) {
    const resolved = resolveConfiguredPath(configured, env);
    if (resolved === undefined) {
      return {
        kind: 'not-found',
        badSetting: true,
        message:
          `The setting rhythm.server.path is the relative path "${configured}", but no folder is open to ` +
          'resolve it against. Use an absolute path.',
      };
    }
    if (env.isExecutableFile(resolved)) {
      return { kind: 'found', command: resolved, source: 'setting' };
    }
    // An explicit setting that points nowhere is an error: silently using another binary would
    // hide the mistake.
    return {
      kind: 'not-found',
      badSetting: true,
      message: `The setting rhythm.server.path is "${configured}", but ${resolved} is not an executable file.`,
    };
  }

  const p = pathFor(env.platform);
  const bundled = p.join(env.extensionDir, 'server', executableName(env.platform));
  if (env.isExecutableFile(bundled)) {
    return { kind: 'found', command: bundled, source: 'bundled' };
  }

  const onPath = searchPath(env);
  if (onPath !== undefined) {
    return { kind: 'found', command: onPath, source: 'path' };
  }

  return {
    kind: 'not-found',
    badSetting: false,
    message:
      'The Rhythm language server was not found: rhythm.server.path is not set, the extension has no ' +
      `bundled server (${bundled}), and "${executableName(env.platform)}" is not on PATH. Build the ` +
      'rhythm CLI (cargo build --release -p rhythm-cli) and put it on PATH, or set rhythm.server.path.',
  };
}
