// Helpers the Node benchmarks share (`benches/wasm-size.mjs`, and the
// playground's and the embed's in www/bench/).
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

/** Bytes raw, gzip -9 and brotli at quality 11 (what a server sends). */
export function compressedSizes(body) {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length,
  };
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
