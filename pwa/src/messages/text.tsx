// A message's text as Preact elements: the text as text (a `<script>` stays literal), http(s)
// links made clickable (new tab, `noopener noreferrer`); never HTML, never another scheme.
import type { ComponentChildren } from 'preact';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Split a text into text and http(s) link parts (trailing punctuation stays text). */
export function linkParts(text: string): { text: string; href?: string }[] {
  const parts: { text: string; href?: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trail = /[.,;:!?)\]]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    const start = match.index;
    let href: string | null = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch {
      href = null;
    }
    if (!href || url.length === 0) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

export function MessageText({ text }: { text: string }) {
  const children: ComponentChildren[] = linkParts(text).map((p, i) =>
    p.href ? (
      <a key={i} href={p.href} rel="noopener noreferrer" target="_blank">
        {p.text}
      </a>
    ) : (
      p.text
    ),
  );
  return <>{children}</>;
}
