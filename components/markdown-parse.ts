// A small Markdown parser for the runbooks in docs/runbooks: ATX headings, paragraphs, bullet
// and numbered lists, fenced code, pipe tables, block quotes, rules, and inline code, bold,
// italics and links. It returns plain data, and the renderer turns that into React elements,
// so no text from a runbook is ever inserted as HTML.
//
// NOTE: nested lists are flattened into their parent list, and HTML tags, images, reference
// links and setext headings are shown as the literal text they were written as.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'link'; href: string; children: Inline[] };

export type Block =
  | { kind: 'heading'; level: number; text: string; id: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: string[] }
  | { kind: 'code'; language: string; text: string }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'quote'; text: string }
  | { kind: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const QUOTE = /^ {0,3}>[ \t]?(.*)$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function startsTable(lines: string[], index: number): boolean {
  return lines[index].includes('|') && index + 1 < lines.length && TABLE_DELIMITER.test(lines[index + 1]);
}

/** True when `line` begins a block other than a paragraph, so a paragraph ends before it. */
function startsBlock(lines: string[], index: number): boolean {
  const line = lines[index];
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || LIST_ITEM.test(line) || QUOTE.test(line) || startsTable(lines, index);
}

/** Splits a table row on unescaped pipes outside inline code, without the outer pipes. */
export function splitTableRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);

  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let index = 0; index < row.length; index += 1) {
    const char = row[index];
    if (char === '\\' && row[index + 1] === '|') {
      cell += '|';
      index += 1;
    } else if (char === '`') {
      inCode = !inCode;
      cell += char;
    } else if (char === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** Returns the id of a heading: lower-case words joined by hyphens, e.g. "error-budget-burn". */
export function headingId(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`*_[\]()]/g, '')
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-');
}

/** Parses Markdown into blocks. Heading ids are unique within the document ("steps", "steps-2"). */
export function parseMarkdown(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  const usedIds = new Map<string, number>();
  let index = 0;

  while (index < lines.length) {
    const line = lines[index];
    if (isBlank(line)) {
      index += 1;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const body: string[] = [];
      index += 1;
      while (index < lines.length && !lines[index].trimStart().startsWith(marker)) {
        body.push(lines[index]);
        index += 1;
      }
      index += 1; // The closing fence, or past the end when it is missing.
      blocks.push({ kind: 'code', language: fence[2], text: body.join('\n') });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      const text = heading[2];
      const base = headingId(text) || 'section';
      const seen = usedIds.get(base) ?? 0;
      usedIds.set(base, seen + 1);
      blocks.push({ kind: 'heading', level: heading[1].length, text, id: seen === 0 ? base : `${base}-${seen + 1}` });
      index += 1;
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      index += 1;
      continue;
    }

    if (startsTable(lines, index)) {
      const header = splitTableRow(line);
      const rows: string[][] = [];
      index += 2;
      while (index < lines.length && !isBlank(lines[index]) && lines[index].includes('|')) {
        rows.push(splitTableRow(lines[index]));
        index += 1;
      }
      blocks.push({ kind: 'table', header, rows });
      continue;
    }

    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[2]);
      const items: string[] = [];
      while (index < lines.length) {
        const current = LIST_ITEM.exec(lines[index]);
        if (current && /\d/.test(current[2]) === ordered) {
          items.push(current[3].trim());
          index += 1;
        } else if (!isBlank(lines[index]) && !startsBlock(lines, index)) {
          // A continuation line of the current item, indented or not.
          items[items.length - 1] += ` ${lines[index].trim()}`;
          index += 1;
        } else if (isBlank(lines[index]) && index + 1 < lines.length && /^\s+\S/.test(lines[index + 1]) && !LIST_ITEM.exec(lines[index + 1])) {
          // A blank line followed by an indented paragraph continues the item.
          index += 1;
        } else {
          break;
        }
      }
      blocks.push({ kind: 'list', ordered, start: ordered ? Number.parseInt(item[2], 10) : 1, items });
      continue;
    }

    const quote = QUOTE.exec(line);
    if (quote) {
      const body: string[] = [];
      while (index < lines.length) {
        const current = QUOTE.exec(lines[index]);
        if (!current) break;
        body.push(current[1].trim());
        index += 1;
      }
      blocks.push({ kind: 'quote', text: body.join(' ') });
      continue;
    }

    const paragraph: string[] = [line.trim()];
    index += 1;
    while (index < lines.length && !isBlank(lines[index]) && !startsBlock(lines, index)) {
      paragraph.push(lines[index].trim());
      index += 1;
    }
    blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
  }
  return blocks;
}

// Inline patterns. The match that starts earliest wins, and at the same position the one listed first.
const INLINE_PATTERNS: Array<{ kind: 'escape' | 'code' | 'link' | 'strong' | 'em'; pattern: RegExp }> = [
  { kind: 'escape', pattern: /\\([\\`*_{}[\]()#+\-.!|>])/ },
  { kind: 'code', pattern: /(`+)([\s\S]+?)\1/ },
  { kind: 'link', pattern: /\[([^\]]+)\]\(\s*([^()\s]+)(?:\s+"[^"]*")?\s*\)/ },
  { kind: 'strong', pattern: /\*\*(?=\S)([\s\S]+?)\*\*|__(?=\S)([\s\S]+?)__/ },
  { kind: 'em', pattern: /\*(?=\S)([^*]+?)\*|(?<![A-Za-z0-9])_(?=\S)([^_]+?)_(?![A-Za-z0-9])/ },
];

function pushText(nodes: Inline[], text: string): void {
  if (!text) return;
  const last = nodes[nodes.length - 1];
  if (last?.kind === 'text') last.text += text;
  else nodes.push({ kind: 'text', text });
}

/** Parses the inline Markdown of one paragraph, list item, heading or table cell. */
export function parseInline(text: string): Inline[] {
  const nodes: Inline[] = [];
  let rest = text;

  while (rest.length > 0) {
    let best: { kind: (typeof INLINE_PATTERNS)[number]['kind']; match: RegExpExecArray } | null = null;
    for (const { kind, pattern } of INLINE_PATTERNS) {
      const match = pattern.exec(rest);
      if (match && (best === null || match.index < best.match.index)) best = { kind, match };
    }
    if (!best) {
      pushText(nodes, rest);
      break;
    }

    const { kind, match } = best;
    pushText(nodes, rest.slice(0, match.index));
    if (kind === 'escape') pushText(nodes, match[1]);
    else if (kind === 'code') nodes.push({ kind: 'code', text: match[2].trim() === '' ? match[2] : match[2].replace(/^ (.*) $/, '$1') });
    else if (kind === 'link') nodes.push({ kind: 'link', href: match[2], children: parseInline(match[1]) });
    else nodes.push({ kind, children: parseInline(match[1] ?? match[2]) });
    rest = rest.slice(match.index + match[0].length);
  }
  return nodes;
}

const RUNBOOK_FILE = /^(?:\.\/|(?:\.\.\/)*(?:docs\/)?runbooks\/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md(#[\w-]*)?$/;

/**
 * Returns where a link may point, or null when it must not be a link. Allowed: http(s) and
 * mailto URLs, paths on this site, `#anchors`, and other runbooks by file name (`other.md`,
 * `./other.md#section`), which become their console pages. Every other scheme, such as
 * `javascript:` or `data:`, and protocol-relative `//host` URLs return null.
 */
export function safeHref(href: string): { href: string; external: boolean } | null {
  const trimmed = href.trim();
  const runbook = RUNBOOK_FILE.exec(trimmed);
  if (runbook) return { href: `/runbooks/${runbook[1]}${runbook[2] ?? ''}`, external: false };
  if (trimmed.startsWith('#')) return { href: trimmed, external: false };
  if (trimmed.startsWith('/') && !trimmed.startsWith('//') && !trimmed.startsWith('/\\')) return { href: trimmed, external: false };
  if (/^(https?:\/\/|mailto:)/i.test(trimmed)) return { href: trimmed, external: true };
  return null;
}
