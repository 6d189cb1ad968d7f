// The news body's Markdown subset, rendered to Preact elements (never to an HTML string):
// paragraphs (a blank line), line breaks, **bold**, *italic*, `- ` lists and [text](https://…)
// links. Only absolute http(s) URLs become links (new tab, rel="noopener noreferrer"); any
// other link stays its text. Everything else, `<script>` included, is shown as text.
import type { ComponentChildren, VNode } from 'preact';

/** An absolute http(s) URL, or null. */
export function safeLink(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    if (parsed.username || parsed.password) return null;
    return parsed.href;
  } catch {
    return null;
  }
}

// A link, **bold** or *italic*, whichever comes first.
const INLINE = /\[([^\]\n]+)\]\(([^()\s]+)\)|\*\*(.+?)\*\*|\*([^*\s](?:[^*\n]*[^*\s])?)\*/g;

/** One line's (or several lines') inline markup. */
export function inline(text: string, key = 'i'): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}.${n++}`;
    const [, label, url, bold, italic] = m;
    if (label !== undefined && url !== undefined) {
      const href = safeLink(url);
      out.push(
        href ? (
          <a key={k} href={href} target="_blank" rel="noopener noreferrer">
            {inline(label, k)}
          </a>
        ) : (
          <span key={k}>{inline(label, k)}</span>
        ),
      );
    } else if (bold !== undefined) {
      out.push(<strong key={k}>{inline(bold, k)}</strong>);
    } else if (italic !== undefined) {
      out.push(<em key={k}>{inline(italic, k)}</em>);
    }
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Lines with a <br> between them. */
function lines(list: string[], key: string): ComponentChildren[] {
  return list.flatMap((line, i) => (i === 0 ? inline(line, `${key}.${i}`) : [<br key={`${key}.br${i}`} />, ...inline(line, `${key}.${i}`)]));
}

const ITEM = /^\s*- (.*)$/;

/** The body's blocks: paragraphs and lists. */
export function renderMarkdown(source: string): VNode[] {
  const blocks = source.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  const out: VNode[] = [];
  blocks.forEach((block, b) => {
    const rows = block.split('\n').filter((row) => row.trim() !== '');
    if (rows.length === 0) return;
    // A block may start with text and go on with a list (or the reverse): group the rows.
    let paragraph: string[] = [];
    let items: string[] = [];
    let part = 0;
    const flush = () => {
      if (paragraph.length) out.push(<p key={`b${b}.${part++}`}>{lines(paragraph, `b${b}.${part}`)}</p>);
      if (items.length)
        out.push(
          <ul key={`b${b}.${part++}`}>
            {items.map((item, i) => (
              <li key={i}>{inline(item, `b${b}.${part}.${i}`)}</li>
            ))}
          </ul>,
        );
      paragraph = [];
      items = [];
    };
    for (const row of rows) {
      const m = ITEM.exec(row);
      if (m) {
        if (paragraph.length) flush();
        items.push(m[1] ?? '');
      } else {
        if (items.length) flush();
        paragraph.push(row.trim());
      }
    }
    flush();
  });
  return out;
}

/** The body of a news item. */
export function Markdown({ source }: { source: string }) {
  return <div class="news-body">{renderMarkdown(source)}</div>;
}
