import type { AxiosStatic } from 'axios';

/**
 * axios, loaded when first asked for, by a dynamic `import()`: a bundler puts it in a chunk
 * of its own, fetched only by an app whose session uses the axios transport.
 */
export function loadAxios(): Promise<AxiosStatic> {
  return import('axios').then((loaded) => {
    // The ESM build's namespace has `default`; a CommonJS interop may hand the function itself.
    const axios = (loaded as { default?: AxiosStatic }).default;
    return axios ?? (loaded as unknown as AxiosStatic);
  });
}
