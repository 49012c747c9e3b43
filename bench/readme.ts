/**
 * `npm run bench:readme`: copies the targets of the last full `npm run bench`, as
 * bench/RESULTS.md has them, into the README's performance section (its
 * `bench:targets` block). Runs nothing: the README shows what RESULTS.md holds, from
 * one invocation of the runner, never figures copied by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBlock, replaceBlock } from './lib/blocks';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');
const README = path.join(ROOT, 'README.md');

const section = readBlock(fs.readFileSync(RESULTS, 'utf8'), 'targets');
if (section === undefined || !section.startsWith('## Targets\n')) {
  console.error('bench:readme: bench/RESULTS.md has no targets section: run `npm run bench` (every scenario) first');
  process.exit(1);
}
const body = section.slice('## Targets\n'.length).trim();
fs.writeFileSync(README, replaceBlock(fs.readFileSync(README, 'utf8'), 'bench:targets', body));
console.log(`bench:readme: wrote the targets of bench/RESULTS.md to ${path.relative(ROOT, README)}`);
