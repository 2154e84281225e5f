/** Small file-system reads and writes the cluster managers' state directories share. */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';

const isAbsent = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Names of the directories in `dir`; none when `dir` does not exist (nothing recorded yet). */
export async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if (isAbsent(error)) return [];
    throw error;
  }
}

/** The file's text; undefined when it does not exist. */
export async function readTextIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

/** The file's JSON; undefined when it does not exist. */
export async function readJsonIfPresent<T>(file: string): Promise<T | undefined> {
  const text = await readTextIfPresent(file);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** Replaces the file atomically (write, then rename): a crash leaves the old or the new one, never half. */
export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, 2));
  await rename(temporary, file);
}
