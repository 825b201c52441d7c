import assert from 'node:assert/strict';

/** Reading the report page as a test (or a user's script) would: by its `data-figure` marks. */
export function figureOnPage(
  html: string,
  report: string,
  name: string,
): { readonly value: string; readonly text: string } | undefined {
  const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(
    `data-figure="${quoted(name)}" data-report="${quoted(report)}" data-value="([^"]*)">([^<]*)<`,
  ).exec(html);
  return match === null ? undefined : { value: match[1] ?? '', text: match[2] ?? '' };
}

const VOID_ELEMENTS = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr']);

/**
 * Well-formed as XML would require of it: every element closed in order, attributes quoted, no bare `<` or `&` in
 * text. Fails the test naming the first fault.
 */
export function checkWellFormed(html: string): void {
  const body = html.replace(/^<!DOCTYPE html>/i, '').replace(/<!--[\s\S]*?-->/g, '');
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)([^<>]*?)(\/?)>/g;
  let last = 0;
  for (let match = tag.exec(body); match !== null; match = tag.exec(body)) {
    checkText(body.slice(last, match.index));
    last = tag.lastIndex;
    const [, closing, rawName = '', attributes = '', selfClosing] = match;
    const name = rawName.toLowerCase();
    assert.match(attributes, /^(\s+[\w:-]+="[^"<]*")*\s*$/, `attributes of <${name}> quoted: ${attributes}`);
    if (closing === '/') {
      const expected = open.pop();
      assert.equal(name, expected, `</${name}> closes <${expected}>`);
    } else if (selfClosing !== '/' && !VOID_ELEMENTS.has(name)) open.push(name);
  }
  checkText(body.slice(last));
  assert.deepEqual(open, [], 'every element is closed');
}

function checkText(text: string): void {
  assert.doesNotMatch(text, /[<>]/, `bare angle bracket in text: ${text.slice(0, 80)}`);
  assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|#\d+);)/, `bare ampersand in text: ${text.slice(0, 80)}`);
}

/** Anything the page would fetch or run: scripts, stylesheets, images, links off the page, addresses in attributes. */
export function externalReferences(html: string): string[] {
  const patterns = [
    /<script\b[^>]*>/gi,
    /<link\b[^>]*>/gi,
    /<(?:img|iframe|object|embed)\b[^>]*>/gi,
    /\b(?:src|href|xlink:href)\s*=\s*"(?!#)[^"]*"/gi,
    /url\(/gi,
    /@import/gi,
    // An address in any attribute (text may name where the run went: it is not fetched).
    /\s[\w:-]+="[^"]*(?:https?|ftp):\/\/[^"]*"/gi,
  ];
  return patterns.flatMap((pattern) => html.match(pattern) ?? []);
}
