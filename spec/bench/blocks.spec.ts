/**
 * The bench's generated Markdown blocks (bench/lib/blocks.ts), and the README's
 * targets, which must be what bench/RESULTS.md holds (`npm run bench:readme` copies
 * them): never figures edited by hand in one place only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBlock, replaceBlock } from '../../bench/lib/blocks';

const ROOT = path.resolve(__dirname, '../..');

describe('bench blocks', () => {
  it('replaces the text between the markers and keeps what is around', () => {
    const text = 'before\n<!-- x -->\nold\n<!-- /x -->\nafter\n';
    const replaced = replaceBlock(text, 'x', 'new');
    expect(replaced).toBe('before\n<!-- x -->\nnew\n<!-- /x -->\nafter\n');
    expect(readBlock(replaced, 'x')).toBe('new');
  });

  it('appends a block that is not there yet, and reads none', () => {
    expect(replaceBlock('text\n', 'y', 'body')).toBe('text\n\n<!-- y -->\nbody\n<!-- /y -->\n');
    expect(readBlock('text\n', 'y')).toBeUndefined();
  });

  it('shows in the README the targets of bench/RESULTS.md, as `npm run bench:readme` copies them', () => {
    const results = readBlock(fs.readFileSync(path.join(ROOT, 'bench/RESULTS.md'), 'utf8'), 'targets');
    const readme = readBlock(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), 'bench:targets');
    expect(results).toMatch(/^## Targets\n/);
    expect(readme).toBe(results!.slice('## Targets\n'.length).trim());
  });
});
