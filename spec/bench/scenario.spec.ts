/**
 * How the runner finds scenarios (bench/lib/scenario.ts): a file is one scenario under
 * its own name, or several variants under theirs, and every name is the section of
 * RESULTS.md and the key the targets read.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineVariants, discoverScenarios, loadScenario, loadScenarios } from '../../bench/lib/scenario';

const SCENARIOS = path.resolve(__dirname, '../../bench/scenarios');

describe('bench scenarios', () => {
  it('names the variants of a file by their keys, and a single scenario by its file', () => {
    const found = discoverScenarios(SCENARIOS);
    expect(found.get('gather-factories-1e4')).toBe(path.join(SCENARIOS, 'gather-factories.ts'));
    expect(found.get('gather-factories-1e6')).toBe(path.join(SCENARIOS, 'gather-factories.ts'));
    expect(found.get('as-completed-observables')).toBe(path.join(SCENARIOS, 'as-completed.ts'));
    expect(found.get('http-fanout')).toBe(path.join(SCENARIOS, 'http-fanout.ts'));
    expect([...found.keys()]).toEqual([...found.keys()].sort());
  });

  it('gives each variant its own parameters', () => {
    const file = path.join(SCENARIOS, 'gather-factories.ts');
    expect(loadScenario(file, 'gather-factories-1e4').params.full).toEqual({ n: 10_000 });
    expect(loadScenario(file, 'gather-factories-1e6').params.full).toEqual({ n: 1_000_000 });
    expect(() => loadScenario(file, 'gather-factories-1e9')).toThrow('no scenario named "gather-factories-1e9"');
  });

  it('runs the floor and Effect at concurrency 100 beside gather, at 100,000 and 1,000,000', () => {
    const names = (name: string): string[] =>
      loadScenario(path.join(SCENARIOS, name.startsWith('gather') ? 'gather-factories.ts' : 'as-completed.ts'), name).contenders.map((c) => c.name);
    for (const name of ['gather-factories-1e5', 'gather-factories-1e6', 'as-completed-1e5', 'as-completed-1e6']) {
      expect(names(name)).toEqual(expect.arrayContaining(['pool c=100', 'Effect c=100', 'p-map c=100']));
    }
  });

  it('refuses a scenario name given by two files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxjs-asyncio-scenarios-'));
    try {
      const one = "{ title: 't', description: 'd', params: { full: {}, quick: {} }, contenders: [] }";
      fs.writeFileSync(path.join(dir, 'twice.ts'), `module.exports = { default: ${one} };\n`);
      fs.writeFileSync(path.join(dir, 'family.ts'), `module.exports = { default: { variants: { twice: ${one}, other: ${one} } } };\n`);
      expect([...loadScenarios(path.join(dir, 'family.ts')).keys()]).toEqual(['twice', 'other']);
      expect([...loadScenarios(path.join(dir, 'twice.ts')).keys()]).toEqual(['twice']);
      expect(() => discoverScenarios(dir)).toThrow(/the scenario "twice" is in both/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an empty set of variants', () => {
    expect(() => defineVariants({})).toThrow('defineVariants: give at least one scenario');
  });
});
