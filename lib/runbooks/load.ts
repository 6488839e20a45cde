import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type RunbookSummary = { slug: string; title: string; path: string };
export type Runbook = { slug: string; title: string; markdown: string; path: string };

// Slugs are file names without ".md": lower-case words joined by hyphens, so a slug can never
// name a path outside the folder.
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Returns the runbook folder, read at run time from the working directory the server started
 * in. The file calls below carry turbopackIgnore so the build does not trace the whole
 * project into its output, which means a deployment must ship docs/runbooks beside the app.
 */
export function runbooksDir(): string {
  return path.join(process.cwd(), 'docs', 'runbooks');
}

function titleOf(markdown: string, slug: string): string {
  const heading = /^#\s+(.+)$/m.exec(markdown);
  return heading ? heading[1].trim() : slug;
}

export async function listRunbooks(dir = runbooksDir()): Promise<RunbookSummary[]> {
  const files = await readdir(/* turbopackIgnore: true */ dir);
  const slugs = files
    .filter((name) => name.endsWith('.md'))
    .map((name) => name.slice(0, -'.md'.length))
    .filter((slug) => SLUG.test(slug))
    .sort();
  return Promise.all(
    slugs.map(async (slug) => {
      const markdown = await readFile(path.join(/* turbopackIgnore: true */ dir, `${slug}.md`), 'utf8');
      return { slug, title: titleOf(markdown, slug), path: `docs/runbooks/${slug}.md` };
    }),
  );
}

/** Reads one runbook; null when the slug is malformed or no such file exists. */
export async function getRunbook(slug: string, dir = runbooksDir()): Promise<Runbook | null> {
  if (!SLUG.test(slug)) return null;
  let markdown: string;
  try {
    markdown = await readFile(path.join(/* turbopackIgnore: true */ dir, `${slug}.md`), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  return { slug, title: titleOf(markdown, slug), markdown, path: `docs/runbooks/${slug}.md` };
}
