import { format } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Every code block of the README is a file in demos/readme/ (with `rxjs-asyncio` in
 * place of the relative imports), and each of those files ends with the `// Logs:` it
 * promises. This spec holds both ends: the README shows each file as it is, and each
 * file, run, prints exactly its `// Logs:`. So the README cannot rot.
 *
 * Timer snippets run on jest's fake clock (each timer fires in due order, however busy
 * the machine), the HTTP ones for real against the httpbin they start themselves.
 */
const DIR = path.join(__dirname, '../../demos/readme');
const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));

/** The file as a user would write it: imports from the package, not from ../../lib. */
function asPublished(source: string): string {
  return source.replace(/'\.\.\/\.\.\/lib'/g, "'rxjs-asyncio'").replace(/'\.\.\/\.\.\/lib\/(http|testing|angular)'/g, "'rxjs-asyncio/$1'");
}

/** The lines promised after `// Logs:`. */
function promised(source: string): string[] {
  const at = source.lastIndexOf('// Logs:');
  return source
    .slice(at + '// Logs:'.length)
    .split('\n')
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .filter((line) => line.trim() !== '');
}

/** Runs a snippet in this process and resolves with what it logged, once it logged as much as it promised. */
async function run(file: string, expected: number, fakeClock: boolean): Promise<string[]> {
  const lines: string[] = [];
  let resolve!: () => void;
  const enough = new Promise<void>((r) => (resolve = r));
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(...format(...args).split('\n'));
    if (lines.length >= expected) resolve();
  });
  if (fakeClock) jest.useFakeTimers();
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(DIR, file));
    });
    if (fakeClock) {
      await jest.runAllTimersAsync();
      jest.useRealTimers();
    }
    await enough;
    // Whatever else it would print comes now or never: let pending callbacks run once more.
    await new Promise<void>((r) => setImmediate(r));
  } finally {
    jest.useRealTimers();
    spy.mockRestore();
  }
  return lines;
}

describe('README snippets', () => {
  it.each(files)('shows demos/readme/%s as it is', (file) => {
    const source = asPublished(fs.readFileSync(path.join(DIR, file), 'utf8')).trimEnd();
    expect(README).toContain('```ts\n' + source + '\n```');
  });

  it.each(files)('demos/readme/%s prints its // Logs:', async (file) => {
    const source = fs.readFileSync(path.join(DIR, file), 'utf8');
    const expected = promised(source);
    const realIo = /startHttpbin/.test(source);
    expect(await run(file, expected.length, !realIo)).toEqual(expected);
  });
});
