import fc from 'fast-check';

/**
 * Inputs an attacker would try, for property-based tests: strings of arbitrary UTF-16 code units
 * (NUL, lone surrogates, controls, line separators, astral pairs), keys of the same, values of
 * every JSON type, nesting from flat to far past any limit.
 */

/** Every property test runs with a fixed seed in CI; FC_SEED / FC_RUNS widen a local run. */
export const FC_PARAMS = {
  seed: Number(process.env.FC_SEED ?? 20261205),
  numRuns: Number(process.env.FC_RUNS ?? 200),
};

const ODD_UNITS = [
  0x0000, 0x0001, 0x000a, 0x000d, 0x001f, 0x007f, 0x0085, 0x2028, 0xd800, 0xdbff, 0xdc00, 0xdfff,
  0xfeff, 0xfffd, 0xffff,
];

/** One UTF-16 code unit, biased towards the ones that break stores and parsers. */
export const oddUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_UNITS) },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
);

export const oddString = (maxLength = 24) =>
  fc.array(oddUnit, { maxLength }).map((units) => String.fromCharCode(...units));

/** JSON values (as JSON.parse would give them) with odd strings and keys. */
export function oddJson(): fc.Arbitrary<unknown> {
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      oddString(),
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(oddString(8), tie('tree'), { maxKeys: 4 }),
    ),
  }));
  return tree;
}

/** `value` wrapped in `levels` arrays or objects. */
export function nest(value: unknown, levels: number, asObject = false): unknown {
  let out = value;
  for (let i = 0; i < levels; i++) out = asObject ? { k: out } : [out];
  return out;
}

export function hasUnstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}
