import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { getRunbook, listRunbooks } from '../../../lib/runbooks/load';

const EXPECTED = ['duplicate-processing', 'graceful-degradation', 'manual-override', 'premature-closure', 'spoofed-failures', 'state-drift', 'sustained-open'];

describe('runbooks in docs/runbooks', () => {
  it('include every required topic', async () => {
    const slugs = (await listRunbooks()).map((r) => r.slug);
    expect(slugs).toEqual(EXPECTED);
  });

  it.each(EXPECTED)('%s names page, API call and metric', async (slug) => {
    const runbook = await getRunbook(slug);
    expect(runbook).not.toBeNull();
    expect(runbook!.title.length).toBeGreaterThan(5);
    expect(runbook!.markdown).toMatch(/\| Console \|/);
    expect(runbook!.markdown).toMatch(/\| API \| .*\/api\/v1\//);
    expect(runbook!.markdown).toMatch(/\| Metrics \| .*switchyard_[a-z_]+/);
  });
});

describe('getRunbook', () => {
  it('rejects slugs outside the folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
    writeFileSync(path.join(dir, 'ok.md'), '# Fine\n\ntext\n');
    expect(await getRunbook('ok', dir)).toEqual({ slug: 'ok', title: 'Fine', markdown: '# Fine\n\ntext\n', path: 'docs/runbooks/ok.md' });
    expect(await getRunbook('../ok', dir)).toBeNull();
    expect(await getRunbook('OK', dir)).toBeNull();
    expect(await getRunbook('missing', dir)).toBeNull();
  });
});
