// TypeDoc plugin: the doc comments rxjs wrote (on TimeoutError and EmptyError, which the
// core entry point re-exports, and on the Observable members a Task inherits) link to
// rxjs functions such as {@link firstValueFrom} that are not part of these docs: send
// those links to rxjs.dev. Links in this library's own comments are left alone, so a
// broken one still fails `npm run docs`.

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.addUnknownSymbolResolver((ref, reflection) => {
    const fromRxjs = reflection.sources?.some((source) => /[\\/]node_modules[\\/]rxjs[\\/]/.test(source.fullFileName)) ?? false;
    const path = ref.symbolReference?.path;
    if (!fromRxjs || path === undefined || path.length !== 1) return undefined;
    return `https://rxjs.dev/api/index/function/${path[0].path}`;
  });
}
