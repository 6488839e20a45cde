import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const RULES = path.join(process.cwd(), 'docs', 'prometheus', 'alerts.yml');
const RULE_TESTS = path.join(process.cwd(), 'docs', 'prometheus', 'alerts.test.yml');

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = promtool.status === 0;
if (!hasPromtool) {
  process.stderr.write('promtool not found: skipping the Prometheus rule checks. Install it with `apt-get install -y prometheus`.\n');
}

describe('Prometheus alerting rules', () => {
  it.skipIf(!hasPromtool)('pass promtool check rules', () => {
    const result = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasPromtool)('pass their promtool unit tests', () => {
    const result = spawnSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('give every alert an existing runbook', () => {
    const text = readFileSync(RULES, 'utf8');
    const alerts = [...text.matchAll(/^\s+- alert: (\S+)/gm)].map((m) => m[1]);
    const runbooks = [...text.matchAll(/runbook_url: ".*\/runbooks\/([a-z0-9-]+)/gm)].map((m) => m[1]);
    expect(alerts.length).toBeGreaterThanOrEqual(6);
    expect(runbooks).toHaveLength(alerts.length);
    for (const slug of runbooks) {
      expect(existsSync(path.join(process.cwd(), 'docs', 'runbooks', `${slug}.md`)), `docs/runbooks/${slug}.md`).toBe(true);
    }
  });
});
