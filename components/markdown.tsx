import Link from 'next/link';
import type { ReactNode } from 'react';

import { parseInline, parseMarkdown, safeHref, type Block, type Inline } from './markdown-parse';

function renderInline(nodes: Inline[], keyPrefix = ''): ReactNode[] {
  return nodes.map((node, index) => {
    const key = `${keyPrefix}${index}`;
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={key}>{node.text}</code>;
      case 'strong':
        return <strong key={key}>{renderInline(node.children, `${key}.`)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(node.children, `${key}.`)}</em>;
      case 'link': {
        const target = safeHref(node.href);
        const children = renderInline(node.children, `${key}.`);
        // A link to a scheme that is not allowed is shown as its text and its address.
        if (!target) {
          return (
            <span key={key} className="unsafe-link" title="Link not followed: only http, https, mailto and site paths are allowed">
              {children} ({node.href})
            </span>
          );
        }
        if (target.external) {
          return (
            <a key={key} href={target.href} target="_blank" rel="noopener noreferrer">
              {children}
            </a>
          );
        }
        if (target.href.startsWith('#')) {
          return (
            <a key={key} href={target.href}>
              {children}
            </a>
          );
        }
        return (
          <Link key={key} href={target.href}>
            {children}
          </Link>
        );
      }
    }
  });
}

function inline(text: string): ReactNode[] {
  return renderInline(parseInline(text));
}

function renderBlock(block: Block, index: number): ReactNode {
  switch (block.kind) {
    case 'heading': {
      const Heading = `h${block.level}` as 'h2';
      return (
        <Heading key={index} id={block.id}>
          {inline(block.text)}
        </Heading>
      );
    }
    case 'paragraph':
      return <p key={index}>{inline(block.text)}</p>;
    case 'quote':
      return (
        <blockquote key={index}>
          <p>{inline(block.text)}</p>
        </blockquote>
      );
    case 'list': {
      const items = block.items.map((item, itemIndex) => <li key={itemIndex}>{inline(item)}</li>);
      return block.ordered ? (
        <ol key={index} start={block.start}>
          {items}
        </ol>
      ) : (
        <ul key={index}>{items}</ul>
      );
    }
    case 'code':
      return (
        <pre key={index} className="markdown-code" tabIndex={0} data-language={block.language || undefined}>
          <code>{block.text}</code>
        </pre>
      );
    case 'table':
      return (
        <div key={index} className="table-scroll">
          <table className="data-table compact">
            {block.header.some((cell) => cell !== '') ? (
              <thead>
                <tr>
                  {block.header.map((cell, cellIndex) => (
                    <th key={cellIndex} scope="col">
                      {inline(cell)}
                    </th>
                  ))}
                </tr>
              </thead>
            ) : null}
            <tbody>
              {block.rows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {row.map((cell, cellIndex) => (
                    <td key={cellIndex}>{inline(cell)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'rule':
      return <hr key={index} />;
  }
}

/**
 * Renders Markdown as React elements. Text only ever becomes text nodes, so HTML in the source
 * shows as written, and links pass `safeHref` or are shown as plain text. `omitTitle` drops a
 * leading level-1 heading, for pages whose own h1 shows the title, so "##" sections are h2.
 */
export function Markdown({ markdown, omitTitle = false }: { markdown: string; omitTitle?: boolean }) {
  const blocks = parseMarkdown(markdown);
  const visibleBlocks = omitTitle && blocks[0]?.kind === 'heading' && blocks[0].level === 1 ? blocks.slice(1) : blocks;
  return <div className="markdown">{visibleBlocks.map(renderBlock)}</div>;
}
