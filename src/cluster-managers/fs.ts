/** Small file-system reads the cluster managers' state directories share. */
import { readdir } from 'node:fs/promises';

/** Names of the directories in `dir`; none when `dir` does not exist (nothing recorded yet). */
export async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
