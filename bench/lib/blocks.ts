/**
 * Generated blocks in Markdown files: the text between `<!-- marker -->` and
 * `<!-- /marker -->`, rewritten by the bench (RESULTS.md's sections, the README's
 * targets) and left alone around it.
 */

/** `text` with the block between `<!-- marker -->` and `<!-- /marker -->` replaced by `markdown`, or with the block appended. */
export function replaceBlock(text: string, marker: string, markdown: string): string {
  const open = `<!-- ${marker} -->`;
  const close = `<!-- /${marker} -->`;
  const block = `${open}\n${markdown}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start >= 0 && end > start) return text.slice(0, start) + block + text.slice(end + close.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

/** The text of the block `marker` in `text` (without its markers), or `undefined` when it has none. */
export function readBlock(text: string, marker: string): string | undefined {
  const open = `<!-- ${marker} -->`;
  const close = `<!-- /${marker} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  return start >= 0 && end > start
    ? text
        .slice(start + open.length, end)
        .replace(/^\n/, '')
        .replace(/\n$/, '')
    : undefined;
}
