import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir` whose bytes contain any of `secrets`, for leak checks. */
export async function filesContaining(dir: string, secrets: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'latin1');
    if (secrets.some((s) => s.length > 0 && text.includes(s))) hits.push(path);
  }
  return hits;
}
