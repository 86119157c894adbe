/**
 * A 5 x 7 bitmap font for printable ASCII (32-126), drawn for Neurite's PNG
 * charts so they need no font files or canvas. Each glyph is a 5-pixel-wide
 * cell: rows 0-6 stand on the baseline (capitals and digits fill all seven,
 * lower case starts at row 2), rows 7-8 hold descenders (g, j, p, q, y, comma,
 * underscore). A glyph is written as hex bytes, one per row from the top,
 * bit 4 (0x10) the leftmost pixel; rows left out at the end are empty.
 * 'A' is "0e11111f111111":
 *
 *   0e  .###.
 *   11  #...#
 *   11  #...#
 *   1f  #####
 *   11  #...#
 *   11  #...#
 *   11  #...#
 */
const GLYPHS: readonly string[] = [
  "", "04040404040004", "0a0a0a", "0a0a1f0a1f0a0a", "040f140e051e04", "18190204081303", "0c12140815120d", "040408",
  "02040808080402", "08040202020408", "0004150e1504", "0004041f0404", "00000000000c0408", "0000000e", "00000000000c0c", "000102040810",
  "0e11131519110e", "040c040404040e", "0e11010204081f", "1f02040201110e", "02060a121f0202", "1f101e0101110e", "0608101e11110e", "1f010204080808",
  "0e11110e11110e", "0e11110f01020c", "000c0c000c0c", "000c0c000c0408", "02040810080402", "00001f001f", "08040201020408", "0e110102040004",
  "0e11010d15150e", "0e11111f111111", "1e11111e11111e", "0e11101010110e", "1c12111111121c", "1f10101e10101f", "1f10101e101010", "0e11101711110f",
  "1111111f111111", "0e04040404040e", "0702020202120c", "11121418141211", "1010101010101f", "111b1515111111", "11111915131111", "0e11111111110e",
  "1e11111e101010", "0e11111115120d", "1e11111e141211", "0f10100e01011e", "1f040404040404", "1111111111110e", "11111111110a04", "1111111515150a",
  "11110a040a1111", "11110a04040404", "1f01020408101f", "0e08080808080e", "001008040201", "0e02020202020e", "040a11", "000000000000001f",
  "080402", "00000e010f110f", "1010161911111e", "00000e1010110e", "01010d1311110f", "00000e111f100e", "0609081c080808", "00000f1111110f010e",
  "10101619111111", "04000c0404040e", "02000602020202120c", "10101214181412", "0c04040404040e", "00001a15151515", "00001619111111", "00000e1111110e",
  "00001e1111111e1010", "00000f1111110f0101", "00001619101010", "00000f100e011e", "08081c08080906", "0000111111130d", "00001111110a04", "0000111115150a",
  "0000110a040a11", "0000111111110f010e", "00001f0204081f", "02040408040402", "04040404040404", "08040402040408", "0000081502",
];

/** Glyph cell size in font pixels: 5 wide plus 1 of spacing, 7 above the baseline and 2 below. */
export const FONT = Object.freeze({ width: 5, advance: 6, ascent: 7, descent: 2 });

const UNKNOWN = GLYPHS['?'.charCodeAt(0) - 32];

/** The rows of a character's glyph as 5-bit numbers (bit 4 leftmost); characters outside ASCII 32-126 draw as '?'. */
export function glyphRows(ch: string): number[] {
  const code = ch.charCodeAt(0);
  const hex = code >= 32 && code <= 126 ? GLYPHS[code - 32] : UNKNOWN;
  const rows: number[] = [];
  for (let i = 0; i < hex.length; i += 2) rows.push(parseInt(hex.slice(i, i + 2), 16));
  return rows;
}

/** Width in device pixels of a line of text at a scale (no spacing after the last glyph). */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * FONT.advance - 1) * scale;
}
