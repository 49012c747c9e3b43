/**
 * The bench runs lib/ and bench/ compiled (bench/lib/compile.ts) so that it measures
 * what the published package runs: no esbuild `keepNames` wrappers, modules intact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileForBench } from '../../bench/lib/compile';
import { loadScenario } from '../../bench/lib/scenario';

const ROOT = path.resolve(__dirname, '../..');

describe('compileForBench', () => {
  let outDir: string;
  let compiled: (source: string) => string;

  beforeAll(() => {
    // Inside the project, as .bench-build/ is: compiled modules find node_modules from there.
    outDir = fs.mkdtempSync(path.join(ROOT, '.bench-build-spec-'));
    compiled = compileForBench(ROOT, outDir);
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('maps a source file to its compiled counterpart, which exists', () => {
    const child = compiled(path.join(ROOT, 'bench/lib/child.ts'));
    expect(child).toBe(path.join(outDir, 'bench/lib/child.js'));
    expect(fs.existsSync(child)).toBe(true);
    expect(fs.existsSync(path.join(outDir, 'lib/internal/fanout.js'))).toBe(true);
  });

  it('compiles without keepNames: no __name wrapper anywhere in lib/', () => {
    const semaphore = fs.readFileSync(path.join(outDir, 'lib/semaphore.js'), 'utf8');
    expect(semaphore).toContain('class Semaphore');
    const withWrapper = fs
      .readdirSync(path.join(outDir, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js') && fs.readFileSync(path.join(outDir, 'lib', file), 'utf8').includes('__name('));
    expect(withWrapper).toEqual([]);
  });

  it('gives a scenario that loads with the contenders of its source', () => {
    const source = path.join(ROOT, 'bench/scenarios/semaphore-vs-p-limit.ts');
    const names = (file: string): string[] => loadScenario(file, 'semaphore-vs-p-limit').contenders.map((c) => c.name);
    expect(names(compiled(source))).toEqual(names(source));
  });
});
