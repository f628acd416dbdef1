/**
 * The user's mistakes (a bad file, a bad argument, a bad state file) are UserErrors: the CLI prints
 * their message as one line and exits with status 2. Firmware's mistakes never become exceptions;
 * they become what silicon gives (faults, NACKs, error flags).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** Formats an address the way the reference manual writes it: 0x0800_0000 style without the underscore. */
export function hex32(value: number): string {
  return '0x' + (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** Words for a failed file-system call (Node's error codes), for one-line messages: "no such file"... */
export function fsErrorText(e: unknown): string {
  const code = (e as { code?: string }).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large (a file-size limit, e.g. ulimit -f)',
    EIO: 'input/output error (the disk failed)',
    ERR_FS_FILE_TOO_LARGE: 'larger than 2 GiB',
  };
  return (code && words[code]) ?? code ?? (e instanceof Error ? e.message : String(e));
}
