import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { SUPPORTING_DOCUMENT_TYPES } from '#domain/schemas/officer-tasks.ts';
import { DASHBOARD_CSP, DASHBOARD_HTML, DOCUMENT_CHOICES } from '#shared/dashboard-page.ts';

const inline = (tag: string) => {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DASHBOARD_HTML);
  assert.ok(match, `the page has an inline <${tag}>`);
  return `'sha256-${createHash('sha256')
    .update(match[1] ?? '', 'utf8')
    .digest('base64')}'`;
};

describe('the dashboard page', () => {
  it('runs its own script and style only, allowed by their hashes, and calls nothing but this API', () => {
    const directives = new Map(
      DASHBOARD_CSP.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), [inline('script')]);
    assert.deepEqual(directives.get('style-src'), [inline('style')]);
    assert.deepEqual(directives.get('connect-src'), ["'self'"]);
    assert.equal([...DASHBOARD_HTML.matchAll(/<script/g)].length, 1, 'one script, inline');
    assert.doesNotMatch(DASHBOARD_HTML, /(src|href)="(?!data:)/, 'nothing loaded from elsewhere');
  });

  it('offers the documents an officer may request, as the decision’s schema lists them', () => {
    assert.deepEqual([...DOCUMENT_CHOICES], [...SUPPORTING_DOCUMENT_TYPES]);
    assert.match(DASHBOARD_HTML, new RegExp(JSON.stringify(DOCUMENT_CHOICES).replace(/[[\]]/g, '\\$&')));
  });
});
