/**
 * What a lowdb data directory no longer holds intact, and the refusal to start without it.
 * Each loss names the file, the line, what is wrong there and what is gone; the error names the
 * way to accept the loss knowingly.
 */
export interface DataLoss {
  file: string;
  /** 1-based; absent when the whole file is at stake (a missing segment). */
  line?: number;
  /** What is wrong at that place. */
  problem: string;
  /** What is gone because of it. */
  lost: string;
}

export function describeLoss(loss: DataLoss): string {
  return `${loss.file}${loss.line === undefined ? '' : `:${loss.line}`}: ${loss.problem}; lost: ${loss.lost}.`;
}

/** How to start anyway; the server's flag, its environment variable and the store option. */
export const REPAIR_HINT =
  'Restore the data directory from a backup, or accept the loss knowingly: start once with --repair-data-dir ' +
  '(SKYM_REPAIR_DATA_DIR=true), which keeps what is intact, logs what it drops and rewrites the directory.';

export class DataDirectoryDamagedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly losses: readonly DataLoss[],
  ) {
    super(
      `The lowdb data directory ${dataDir} has lost acknowledged writes, so the store does not start:\n` +
        losses.map((loss) => `  ${describeLoss(loss)}`).join('\n') +
        `\n${REPAIR_HINT}`,
    );
    this.name = 'DataDirectoryDamagedError';
  }
}
