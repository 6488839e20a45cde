import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type RunbookSummary = { slug: string; title: string; path: string };
export type Runbook = { slug: string; title: string; markdown: string; path: string };

// Slugs are file names without ".md": lower-case words joined by hyphens, so a slug can never
// name a path outside the folder.
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Returns the runbook folder, read at run time from the working directory the server started in. */
export function runbooksDir(): string {
  return path.join(process.cwd(), 'docs', 'runbooks');
}

function titleOf(markdown: string, slug: string): string {
  const heading = /^#\s+(.+)$/m.exec(markdown);
  return heading ? heading[1].trim() : slug;
}

export async function listRunbooks(dir = runbooksDir()): Promise<RunbookSummary[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.md') && SLUG.test(name.slice(0, -3))).sort();
  return Promise.all(
    names.map(async (name) => {
      const slug = name.slice(0, -3);
      return { slug, title: titleOf(await readFile(path.join(dir, name), 'utf8'), slug), path: `docs/runbooks/${name}` };
    }),
  );
}

/** Reads one runbook; null when the slug is malformed or no such file exists. */
export async function getRunbook(slug: string, dir = runbooksDir()): Promise<Runbook | null> {
  if (!SLUG.test(slug)) return null;
  let markdown: string;
  try {
    markdown = await readFile(path.join(dir, `${slug}.md`), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  return { slug, title: titleOf(markdown, slug), markdown, path: `docs/runbooks/${slug}.md` };
}
