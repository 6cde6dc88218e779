/**
 * `npm run fuzz`: the properties of the filter grammar (test/domain/query/filter.properties.ts) and
 * of the SCIM PATCH engine (test/scim/protocol/patch.properties.ts) on many inputs.
 *
 *   FUZZ_RUNS   total inputs across all properties (default 1,000,000), split evenly
 *   FUZZ_SEED   base seed (default: random); property i of ALL_PROPERTIES runs with FUZZ_SEED + i
 *   FUZZ_ONLY   run only the properties whose name contains this text
 *
 * Every property's seed is printed before it runs, so a failure reproduces with the same
 * FUZZ_SEED (and the printed path replays the shrunk counterexample). Exit code 1 on any failure.
 * Built with tsc (test/fuzz/tsconfig.json) and run by plain node: no jest, no database.
 */
import fc from 'fast-check';
import { FILTER_PROPERTIES } from '../domain/query/filter.properties';
import { PATCH_PROPERTIES } from '../scim/protocol/patch.properties';
import type { PropertyCase } from './harness';

/** In this order: property i runs with FUZZ_SEED + i, so a printed seed stays reproducible. */
const ALL_PROPERTIES: PropertyCase[] = [...FILTER_PROPERTIES, ...PATCH_PROPERTIES];

function main(): number {
  const total = Number(process.env.FUZZ_RUNS ?? 1_000_000);
  const baseSeed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const only = process.env.FUZZ_ONLY;
  const selected = ALL_PROPERTIES.filter((p) => only === undefined || p.name.includes(only));
  const perProperty = Math.max(1, Math.ceil(total / selected.length));
  console.log(`fuzz: ${selected.length} properties × ${perProperty} inputs, FUZZ_SEED=${baseSeed}`);
  let inputs = 0;
  let failures = 0;
  const started = performance.now();
  selected.forEach((p) => {
    const seed = baseSeed + ALL_PROPERTIES.indexOf(p);
    const t0 = performance.now();
    const result = fc.check(p.property, { numRuns: perProperty, seed });
    inputs += result.numRuns;
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    if (result.failed) {
      failures += 1;
      console.log(`FAIL ${p.name} (seed ${seed}, ${result.numRuns} inputs, ${seconds} s)`);
      console.log(fc.defaultReportMessage(result) ?? '');
    } else {
      console.log(`ok   ${p.name} (seed ${seed}, ${result.numRuns} inputs, ${seconds} s)`);
    }
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: ${inputs} inputs in ${seconds} s, ${failures} failing properties (FUZZ_SEED=${baseSeed})`,
  );
  return failures === 0 ? 0 : 1;
}

process.exitCode = main();
