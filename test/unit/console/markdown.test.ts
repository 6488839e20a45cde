import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { Markdown } from '../../../components/markdown';
import { headingId, parseInline, parseMarkdown, safeHref, splitTableRow } from '../../../components/markdown-parse';

const RUNBOOK = `# Sustained open state

An endpoint has been unavailable
longer than its tier allows.

| | |
|---|---|
| Console | Overview, \`open alerts\` |
| API | \`GET /api/v1/alerts?status=open\` |

## Steps

1. Acknowledge the alert:
   \`POST /api/v1/alerts/{id}/ack\`.
2. Find why it opened.

- one
- two

\`\`\`sh
curl -s localhost:3000/api/health
\`\`\`

## Steps
`;

describe('parseMarkdown', () => {
  it('splits a runbook into blocks', () => {
    const blocks = parseMarkdown(RUNBOOK);
    expect(blocks.map((block) => block.kind)).toEqual(['heading', 'paragraph', 'table', 'heading', 'list', 'list', 'code', 'heading']);
  });

  it('joins paragraph lines', () => {
    expect(parseMarkdown(RUNBOOK)[1]).toEqual({ kind: 'paragraph', text: 'An endpoint has been unavailable longer than its tier allows.' });
  });

  it('reads pipe tables with an empty header', () => {
    const table = parseMarkdown(RUNBOOK)[2];
    expect(table).toEqual({
      kind: 'table',
      header: ['', ''],
      rows: [
        ['Console', 'Overview, `open alerts`'],
        ['API', '`GET /api/v1/alerts?status=open`'],
      ],
    });
  });

  it('keeps continuation lines in their list item', () => {
    const list = parseMarkdown(RUNBOOK)[4];
    expect(list).toEqual({
      kind: 'list',
      ordered: true,
      start: 1,
      items: ['Acknowledge the alert: `POST /api/v1/alerts/{id}/ack`.', 'Find why it opened.'],
    });
  });

  it('keeps fenced code verbatim', () => {
    expect(parseMarkdown(RUNBOOK)[6]).toEqual({ kind: 'code', language: 'sh', text: 'curl -s localhost:3000/api/health' });
  });

  it('gives repeated headings unique ids', () => {
    const ids = parseMarkdown(RUNBOOK)
      .filter((block) => block.kind === 'heading')
      .map((block) => (block.kind === 'heading' ? block.id : ''));
    expect(ids).toEqual(['sustained-open-state', 'steps', 'steps-2']);
  });
});

describe('parseInline', () => {
  it('reads code, bold, italics and links', () => {
    expect(parseInline('Use `a*b*` and **bold** and *em* and [docs](https://example.com/x).')).toEqual([
      { kind: 'text', text: 'Use ' },
      { kind: 'code', text: 'a*b*' },
      { kind: 'text', text: ' and ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'bold' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'em', children: [{ kind: 'text', text: 'em' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'link', href: 'https://example.com/x', children: [{ kind: 'text', text: 'docs' }] },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves underscores inside words alone', () => {
    expect(parseInline('switchyard_breaker_state and override_force_open')).toEqual([
      { kind: 'text', text: 'switchyard_breaker_state and override_force_open' },
    ]);
  });

  it('treats escaped characters as text', () => {
    expect(parseInline('\\*not em\\*')).toEqual([{ kind: 'text', text: '*not em*' }]);
  });
});

describe('safeHref', () => {
  it.each([
    ['https://example.com/a', { href: 'https://example.com/a', external: true }],
    ['mailto:ops@example.com', { href: 'mailto:ops@example.com', external: true }],
    ['#error-budget-burn', { href: '#error-budget-burn', external: false }],
    ['/endpoints/ep_1', { href: '/endpoints/ep_1', external: false }],
    ['manual-override.md', { href: '/runbooks/manual-override', external: false }],
    ['./sustained-open.md#error-budget-burn', { href: '/runbooks/sustained-open#error-budget-burn', external: false }],
    ['../runbooks/state-drift.md', { href: '/runbooks/state-drift', external: false }],
  ])('allows %s', (href, expected) => {
    expect(safeHref(href)).toEqual(expected);
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>x</b>', '//evil.example/x', 'vbscript:x', '/\\evil.example'])(
    'rejects %s',
    (href) => {
      expect(safeHref(href)).toBeNull();
    },
  );
});

describe('Markdown', () => {
  it('renders HTML in the source as text', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { markdown: 'Hello <script>alert(1)</script> <img src=x onerror=alert(1)>' }));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows a javascript link as text', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { markdown: '[click](javascript:alert%281%29)' }));
    expect(html).not.toContain('href');
    expect(html).toContain('click (javascript:alert%281%29)');
  });

  it('leaves a link with parentheses in its address as text', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { markdown: '[click](javascript:alert(1))' }));
    expect(html).not.toContain('href');
  });

  it('opens external links in a new tab without an opener', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { markdown: '[docs](https://example.com/)' }));
    expect(html).toContain('<a href="https://example.com/" target="_blank" rel="noopener noreferrer">docs</a>');
  });

  it('renders headings at their level with ids', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { markdown: '# Title\n\n## Error budget burn' }));
    expect(html).toContain('<h1 id="title">Title</h1>');
    expect(html).toContain('<h2 id="error-budget-burn">Error budget burn</h2>');
  });

  it('omits the leading title when asked', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { markdown: '# Title\n\nBody', omitTitle: true }));
    expect(html).toBe('<div class="markdown"><p>Body</p></div>');
  });
});

describe('helpers', () => {
  it('splits table rows on unescaped pipes outside code', () => {
    expect(splitTableRow('| a | `x|y` | b \\| c |')).toEqual(['a', '`x|y`', 'b | c']);
  });

  it('builds heading ids from words', () => {
    expect(headingId('Error budget burn')).toBe('error-budget-burn');
    expect(headingId('When to use `force_open`?')).toBe('when-to-use-forceopen');
  });
});
