// `npm run marbles`: runs every lesson of lessons.ts and writes docs/marbles.md and
// docs/marbles/<lesson>.svg. SVG files of lessons that no longer exist are removed.

import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDocs } from './render';

/** docs/ */
export const docsDir = join(__dirname, '..');
/** docs/marbles/, where the SVG pictures sit beside this generator. */
export const svgDir = __dirname;

export function generate(): void {
  const { markdown, svgs } = renderDocs();
  writeFileSync(join(docsDir, 'marbles.md'), markdown);
  for (const [name, svg] of svgs) writeFileSync(join(svgDir, name), svg);
  for (const name of readdirSync(svgDir)) {
    if (name.endsWith('.svg') && !svgs.has(name)) rmSync(join(svgDir, name));
  }
  console.log(`docs/marbles.md and ${svgs.size} pictures in docs/marbles/`);
}

if (require.main === module) generate();
