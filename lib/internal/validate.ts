/**
 * Argument checks shared by every public function. Each throws at call time with a
 * message of one shape: `fn: param must be <expected>, got <value>`.
 */

/** A short, readable rendering of any value for an error message. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `function ${value.name || '(anonymous)'}`;
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(value as object);
    if (keys.length === 0) return '{}';
    const shown = keys.slice(0, 5).join(', ');
    return keys.length > 5 ? `{ ${shown}, ... }` : `{ ${shown} }`;
  }
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `an instance of ${name}` : 'an object';
}

export function fail(kind: 'type' | 'range', fn: string, param: string, expected: string, value: unknown): never {
  const message = `${fn}: ${param} must be ${expected}, got ${describe(value)}`;
  throw kind === 'type' ? new TypeError(message) : new RangeError(message);
}

/**
 * Checks an options bag: `undefined` or a plain object whose keys are all known.
 * Returns it typed, or an empty object.
 */
export function checkOptions<O extends object>(fn: string, options: O | undefined, known: readonly string[]): Partial<O> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('type', fn, 'options', 'an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${fn}: options.${key} is not a known option (expected one of ${known.join(', ')}), got ${describe((options as Record<string, unknown>)[key])}`,
      );
    }
  }
  return options;
}

/** A positive integer, or `Infinity`. */
export function checkConcurrency(fn: string, param: string, value: unknown): number {
  if (typeof value !== 'number') fail('type', fn, param, 'a positive integer or Infinity', value);
  if (value !== Infinity && !(Number.isInteger(value) && value >= 1)) {
    fail('range', fn, param, 'a positive integer or Infinity', value);
  }
  return value;
}

/** A positive integer (finite). */
export function checkPositiveInteger(fn: string, param: string, value: unknown): number {
  if (typeof value !== 'number') fail('type', fn, param, 'a positive integer', value);
  if (!(Number.isInteger(value) && value >= 1)) fail('range', fn, param, 'a positive integer', value);
  return value;
}

/** A duration in ms: a non-negative number; `Infinity` means no limit. */
export function checkDuration(fn: string, param: string, value: unknown): number {
  if (typeof value !== 'number') fail('type', fn, param, 'a non-negative number of milliseconds', value);
  if (Number.isNaN(value) || value < 0) fail('range', fn, param, 'a non-negative number of milliseconds', value);
  if (value > 2147483647 && value !== Infinity) fail('range', fn, param, 'at most 2147483647 ms (a longer timer fires after 1 ms) or Infinity', value);
  return value;
}

/** A finite, positive duration in ms. */
export function checkFiniteDuration(fn: string, param: string, value: unknown): number {
  if (typeof value !== 'number') fail('type', fn, param, 'a positive, finite number of milliseconds', value);
  if (!(Number.isFinite(value) && value > 0)) fail('range', fn, param, 'a positive, finite number of milliseconds', value);
  if (value > 2147483647) fail('range', fn, param, 'at most 2147483647 ms (a longer timer fires after 1 ms)', value);
  return value;
}

export function checkBoolean(fn: string, param: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail('type', fn, param, 'a boolean', value);
  return value;
}

export function checkFunction<F>(fn: string, param: string, value: unknown): F {
  if (typeof value !== 'function') fail('type', fn, param, 'a function', value);
  return value as F;
}
