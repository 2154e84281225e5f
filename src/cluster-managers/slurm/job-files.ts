/**
 * Where the files the jobs themselves write live (each replica's log, exit status and restart
 * count; see batch.ts), and how the manager reads them: on this machine when the cluster's nodes
 * share its filesystem, or on the login node over the cluster's SSH connection, where they must
 * be on a filesystem the compute nodes share (home directories are, on every site we know).
 *
 * Over SSH, one remote command reads and checks the files of many replicas at once (inspect): a
 * status call costs one session per 500 files, whatever the number of workloads, not three per
 * replica. Small files travel base64-encoded, one line
 * each, so a file rewritten while it is read cannot garble the answer.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { readTextIfPresent } from '../fs.js';
import type { SshConnection } from '../ssh/connection.js';

export interface JobFiles {
  /** For messages: "this machine", "ssh alice@login". */
  readonly describe: string;
  /** The directory under which each workload's job directory is made (absolute). */
  root(): Promise<string>;
  /** The text of each of `names` in `dir`; absent ones are missing from the map. */
  read(dir: string, names: readonly string[]): Promise<Map<string, string>>;
  /** Which of `names` exist in `dir`. */
  existing(dir: string, names: readonly string[]): Promise<Set<string>>;
  /** read() of `read` and existing() of `exist` together (over SSH, one command for both). */
  inspect(dir: string, names: { read: readonly string[]; exist: readonly string[] }): Promise<Inspection>;
  /** Creates `dir` and its parents. */
  prepare(dir: string): Promise<void>;
  /** Removes `names` from `dir`, where present. */
  remove(dir: string, names: readonly string[]): Promise<void>;
  /** Removes `dir` and everything in it. */
  removeTree(dir: string): Promise<void>;
}

export interface Inspection {
  texts: Map<string, string>;
  existing: Set<string>;
}

/** The jobs write next to the manager's records, on this machine (its nodes share the filesystem). */
export class LocalJobFiles implements JobFiles {
  readonly describe = 'this machine';

  constructor(private readonly rootDir: string) {}

  async root(): Promise<string> {
    return this.rootDir;
  }

  async read(dir: string, names: readonly string[]): Promise<Map<string, string>> {
    const texts = await Promise.all(names.map((name) => readTextIfPresent(path.join(dir, name))));
    return new Map(names.flatMap((name, i) => (texts[i] === undefined ? [] : [[name, texts[i]!] as const])));
  }

  async existing(dir: string, names: readonly string[]): Promise<Set<string>> {
    const found = await Promise.all(names.map((name) => stat(path.join(dir, name)).then(() => true, () => false)));
    return new Set(names.filter((_, i) => found[i]));
  }

  async inspect(dir: string, names: { read: readonly string[]; exist: readonly string[] }): Promise<Inspection> {
    const [texts, existing] = await Promise.all([this.read(dir, names.read), this.existing(dir, names.exist)]);
    return { texts, existing };
  }

  async prepare(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
  }

  async remove(dir: string, names: readonly string[]): Promise<void> {
    await Promise.all(names.map((name) => rm(path.join(dir, name), { force: true })));
  }

  async removeTree(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Names per remote command: far below any command-line limit, even with long names. */
const NAMES_PER_COMMAND = 500;

/**
 * The jobs write under `<jobsDir>/<cluster>` on the login node, by default
 * `~/.sky-manager/slurm/<cluster>` of its account (the home directory is asked for once); read and
 * cleaned up through the connection.
 */
export class SshJobFiles implements JobFiles {
  readonly describe: string;
  private home: Promise<string> | undefined;

  constructor(
    private readonly connection: SshConnection,
    private readonly clusterName: string,
    /** An absolute path on the login node; default ~/.sky-manager/slurm. */
    private readonly jobsDir?: string,
  ) {
    this.describe = connection.describe;
    if (jobsDir !== undefined && !jobsDir.startsWith('/')) throw new Error(`the jobs' directory on the login node must be an absolute path, not "${jobsDir}"`);
  }

  async root(): Promise<string> {
    if (this.jobsDir) return path.posix.join(this.jobsDir, this.clusterName);
    this.home ??= this.connection.run('sh', ['-c', 'printf %s "$HOME"']).then((home) => {
      if (!home.startsWith('/')) throw new Error(`${this.describe}: the account's HOME is "${home}", not an absolute path`);
      return home;
    });
    // A failed attempt (the connection was down) is not kept.
    this.home.catch(() => (this.home = undefined));
    return path.posix.join(await this.home, '.sky-manager', 'slurm', this.clusterName);
  }

  async read(dir: string, names: readonly string[]): Promise<Map<string, string>> {
    return (await this.inspect(dir, { read: names, exist: [] })).texts;
  }

  async existing(dir: string, names: readonly string[]): Promise<Set<string>> {
    return (await this.inspect(dir, { read: [], exist: names })).existing;
  }

  async inspect(dir: string, names: { read: readonly string[]; exist: readonly string[] }): Promise<Inspection> {
    const texts = new Map<string, string>();
    const existing = new Set<string>();
    // Each argument says what is asked of its file: "r:name" its text, "e:name" whether it is
    // there. One line per argument: for r:, "-" when it is not a regular file, else "+" and its
    // base64; for e:, 1 or 0.
    const script =
      'd=$1; shift; for a; do f=${a#?:}; case $a in ' +
      'r:*) if [ -f "$d/$f" ]; then printf +; base64 -w0 -- "$d/$f"; echo; else echo -; fi;; ' +
      '*) if [ -e "$d/$f" ]; then echo 1; else echo 0; fi;; esac; done';
    const asked = [...names.read.map((name) => `r:${name}`), ...names.exist.map((name) => `e:${name}`)];
    for (const chunk of chunks(asked)) {
      const lines = (await this.connection.run('sh', ['-c', script, 'sh', dir, ...chunk])).split('\n');
      chunk.forEach((arg, i) => {
        const name = arg.slice(2);
        const line = lines[i] ?? '';
        if (arg.startsWith('e:')) {
          if (line === '1') existing.add(name);
        } else if (line.startsWith('+')) texts.set(name, Buffer.from(line.slice(1), 'base64').toString('utf8'));
      });
    }
    return { texts, existing };
  }

  /**
   * The bytes of `file` from `offset` to its current end; empty when it is absent. For following
   * logs on the login node (file-logs.ts reads local files only, so the manager does not use this
   * yet; see createSlurmManager).
   */
  async readFrom(file: string, offset: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`readFrom: offset must be a non-negative integer, not ${offset}`);
    // tail -c +N starts at byte N (1-based); base64 keeps a multi-byte character cut at the end intact.
    const script = 'test -f "$1" || exit 0; tail -c +"$2" -- "$1" | base64 -w0';
    const encoded = await this.connection.run('sh', ['-c', script, 'sh', file, String(offset + 1)]);
    return Buffer.from(encoded.trim(), 'base64');
  }

  async prepare(dir: string): Promise<void> {
    await this.connection.run('mkdir', ['-p', '--', dir]);
  }

  async remove(dir: string, names: readonly string[]): Promise<void> {
    for (const chunk of chunks(names)) {
      await this.connection.run('sh', ['-c', 'd=$1; shift; cd -- "$d" 2>/dev/null || exit 0; rm -f -- "$@"', 'sh', dir, ...chunk]);
    }
  }

  async removeTree(dir: string): Promise<void> {
    // Only what this manager made: a job directory under its root.
    if (!dir.startsWith(`${await this.root()}/`)) throw new Error(`${this.describe}: refusing to remove ${dir}, which is outside ${await this.root()}`);
    await this.connection.run('rm', ['-rf', '--', dir]);
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += NAMES_PER_COMMAND) out.push(items.slice(i, i + NAMES_PER_COMMAND));
  return out;
}
