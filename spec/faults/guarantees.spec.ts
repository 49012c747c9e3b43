import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The README's "Guarantees" section cannot rot: each promise links to at least one
 * spec or script, and every file it links to exists.
 */
const ROOT = join(__dirname, '..', '..');

function guarantees(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Guarantees\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README: Guarantees', () => {
  it('links each promise to the spec that proves it', () => {
    const bullets = guarantees()
      .split(/\n(?=- )/)
      .filter((part) => part.startsWith('- '));
    expect(bullets.length).toBeGreaterThanOrEqual(10);
    for (const bullet of bullets) expect(bullet).toMatch(/\]\((spec|soak)\/[^)]+\)/);
  });

  it('links only to files that exist', () => {
    const links = [...guarantees().matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link).not.toMatch(/^(\/|https?:)/);
      if (!existsSync(join(ROOT, link))) throw new Error(`README Guarantees links to ${link}, which does not exist`);
    }
  });
});
