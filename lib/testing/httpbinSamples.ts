/**
 * The fixed documents the embedded httpbin serves: its PNG, its UTF-8, HTML and XML pages
 * and its teapot. Node only (node:zlib), imported by httpbin.ts alone.
 */
import { deflateSync } from 'node:zlib';

/** httpbin's `/status/418` body, with its `x-more-info` header. */
export const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

/**
 * `/encoding/utf8`: text in many scripts, so a client that decodes it with the wrong
 * charset shows replacement characters at once.
 */
export const UTF8_SAMPLE = `<h1>UTF-8 encoded sample text</h1>
<pre>
English:   The quick brown fox jumps over the lazy dog.
Deutsch:   Falsches Üben von Xylophonmusik quält jeden größeren Zwerg.
Français:  Portez ce vieux whisky au juge blond qui fume.
Ελληνικά:  Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.
Русский:   Съешь же ещё этих мягких французских булок, да выпей чаю.
עברית:     דג סקרן שט בים מאוכזב ולפתע מצא חברה.
日本語:     いろはにほへと ちりぬるを わかよたれそ つねならむ
中文:       天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。
한국어:     다람쥐 헌 쳇바퀴에 타고파
Math:      ∀x ∈ ℝ: ⌈x⌉ = −⌊−x⌋, ∑ᵢ 1/2ⁱ = 1, √(a² + b²) ≤ |a| + |b|
Symbols:   € £ ¥ ₹ © ® ™ ← ↑ → ↓ ♠ ♣ ♥ ♦ 🐍 🦀 🚀
</pre>
`;

/** `/html`: httpbin's page (the first sentence of its Moby-Dick excerpt), `text/html; charset=utf-8`. */
export const HTML_SAMPLE = `<!DOCTYPE html>
<html>
  <head>
  </head>
  <body>
      <h1>Herman Melville - Moby-Dick</h1>

      <div>
        <p>
          Availing himself of the mild, summer-cool weather that now reigned in these latitudes, and in preparation for the peculiarly active pursuits shortly to be anticipated, Perth, the begrimed, blistered old blacksmith, had not removed his portable forge to the hold again, after concluding his contributory work for Ahab's leg, but still retained it on deck, fast lashed to ringbolts by the foremast; being now almost incessantly invoked by the headsmen, and harpooneers, and bowsmen to do some little job for them; altering, or repairing, or new shaping their various weapons and boat furniture.
        </p>
      </div>
  </body>
</html>`;

/** `/xml`: httpbin's slideshow as XML, `application/xml` (no charset: the document says us-ascii). */
export const XML_SAMPLE = `<?xml version='1.0' encoding='us-ascii'?>

<!--  A SAMPLE set of slides  -->

<slideshow 
    title="Sample Slide Show"
    date="Date of publication"
    author="Yours Truly"
    >

    <!-- TITLE SLIDE -->
    <slide type="all">
      <title>Wake up to WonderWidgets!</title>
    </slide>

    <!-- OVERVIEW -->
    <slide type="all">
        <title>Overview</title>
        <item>Why <em>WonderWidgets</em> are great</item>
        <item/>
        <item>Who <em>buys</em> WonderWidgets</item>
    </slide>

</slideshow>`;

/** CRC-32 (ISO-HDLC, as PNG chunks use it) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * `/image/png`: a valid 100 × 100 RGB PNG (the size of httpbin's pig), a colour
 * gradient, built once when first asked for. Its bytes include ones that are not valid
 * UTF-8, so a client that reads it as text damages it visibly.
 */
export function samplePng(): Buffer {
  pngCache ??= buildPng(100, 100);
  return pngCache;
}

let pngCache: Buffer | undefined;

function buildPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  // Compression, filter and interlace methods: 0.
  const rows = Buffer.alloc((1 + width * 3) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 3;
      rows[at] = Math.round((x * 255) / (width - 1));
      rows[at + 1] = Math.round((y * 255) / (height - 1));
      rows[at + 2] = 160;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}
