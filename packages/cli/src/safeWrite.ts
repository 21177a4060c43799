/**
 * Rewriting a file so that nothing is lost: the new bytes go to a temporary file in the same
 * directory, which then replaces the original by a rename (all or nothing, even on a full disk),
 * with the original's mode and owner. The temporary file is created exclusively and the original
 * is checked, under it, to still hold the bytes that were scanned: a file edited meanwhile is left
 * alone, and two podguard runs never both rewrite one file.
 *
 * A file with other hard links is written in place instead (a rename would leave the other names
 * on the old bytes), as editors do (Vim's `backupcopy=auto`): the temporary file is still written
 * and synced first, so a full disk is found before the original is touched, and it is kept, named
 * in the error, if writing the original fails.
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations `--fix` uses; tests inject faults (a full disk, a refused write) through it. */
export interface FixFs {
  readFile(path: string): Promise<Buffer>;
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ mode: number; uid: number; gid: number; nlink: number }>;
  /** Replaces a file's bytes in place (same inode: its hard links see them), and syncs it. */
  overwrite(path: string, data: Uint8Array): Promise<void>;
  /** Opens a new file exclusively (`wx`); fails with EEXIST when it exists. */
  create(path: string, mode: number): Promise<FixFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** The part of a `FileHandle` a rewrite needs. */
export interface FixFileHandle {
  writeFile(data: Uint8Array): Promise<void>;
  chmod(mode: number): Promise<void>;
  chown(uid: number, gid: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The real file system. */
export const nodeFixFs: FixFs = {
  readFile: (path) => fsp.readFile(path),
  realpath: (path) => fsp.realpath(path),
  stat: (path) => fsp.stat(path),
  create: (path, mode) => fsp.open(path, 'wx', mode),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  overwrite: async (path, data) => {
    const handle = await fsp.open(path, 'r+');
    try {
      await handle.write(data, 0, data.length, 0);
      await handle.truncate(data.length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** SHA-256 of bytes, hex: what a scan records of each file it may fix. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Why a file was not rewritten; its message is one line, without the file name. */
export class FixWriteError extends Error {
  override readonly name = 'FixWriteError';
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
};

/** A file system error as a short phrase (`no space left on device`). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && REASONS[code]) return REASONS[code] as string;
  return error instanceof Error ? error.message : String(error);
}

/** The temporary file a rewrite of `path` goes through (also the lock against concurrent runs). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.podguard-fix`);
}

/**
 * Replaces the file at `path` with `transform(its bytes)`, provided its bytes still hash to
 * `expectedHash`. Throws {@link FixWriteError} (with the file unchanged) when it cannot.
 */
export async function rewriteFile(
  fs: FixFs,
  path: string,
  expectedHash: string,
  transform: (bytes: Buffer) => Uint8Array,
): Promise<void> {
  let target: string;
  try {
    // A symbolic link keeps pointing at the fixed file: its target is what gets replaced.
    target = await fs.realpath(path);
  } catch (error) {
    throw new FixWriteError(`cannot read: ${describeFsError(error)}`);
  }
  const temporary = temporaryPathFor(target);
  let handle: FixFileHandle;
  try {
    handle = await fs.create(temporary, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new FixWriteError(
        `${temporary} exists: another podguard --fix is rewriting this file, or one was interrupted (then delete it)`,
      );
    }
    throw new FixWriteError(`cannot write: ${describeFsError(error)}`);
  }
  // Set once the temporary file is renamed, removed, or kept on purpose (holding the fixed text).
  let settled = false;
  try {
    let bytes: Buffer;
    let info: { mode: number; uid: number; gid: number; nlink: number };
    try {
      bytes = await fs.readFile(target);
      info = await fs.stat(target);
    } catch (error) {
      throw new FixWriteError(`cannot read: ${describeFsError(error)}`);
    }
    if (sha256(bytes) !== expectedHash) {
      throw new FixWriteError('the file changed since it was scanned; run podguard again');
    }
    const fixed = transform(bytes);
    try {
      await handle.writeFile(fixed);
      await handle.chmod(info.mode & 0o7777);
    } catch (error) {
      throw new FixWriteError(`cannot write: ${describeFsError(error)}`);
    }
    // In place, the file keeps its owner; a renamed file takes the original's.
    if (info.nlink <= 1 && (info.uid !== process.getuid?.() || info.gid !== process.getgid?.())) {
      try {
        await handle.chown(info.uid, info.gid);
      } catch (error) {
        throw new FixWriteError(
          `cannot keep its owner ${info.uid}:${info.gid} (${describeFsError(error)}); fix it as its owner`,
        );
      }
    }
    try {
      await handle.sync();
      await handle.close();
    } catch (error) {
      throw new FixWriteError(`cannot write: ${describeFsError(error)}`);
    }
    if (info.nlink > 1) {
      try {
        await fs.overwrite(target, fixed);
      } catch (error) {
        // The original may be half written: the temporary file has the whole fixed text.
        settled = true;
        throw new FixWriteError(
          `cannot write it in place (it has ${info.nlink} hard links): ${describeFsError(error)}; the fixed text is in ${temporary}`,
        );
      }
      await fs.unlink(temporary).catch(() => undefined);
      settled = true;
      return;
    }
    try {
      await fs.rename(temporary, target);
      settled = true;
    } catch (error) {
      throw new FixWriteError(`cannot write: ${describeFsError(error)}`);
    }
  } finally {
    if (!settled) {
      await handle.close().catch(() => undefined);
      await fs.unlink(temporary).catch(() => undefined);
    }
  }
}
