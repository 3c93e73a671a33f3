// Colours that stay readable: WCAG 2 contrast, and a priority's colour lightened (or darkened) just
// enough to be read on the projector's dark background. A forum's priorities may carry any colour
// an organiser picked, so the check is computed, not assumed.

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

type Rgb = [number, number, number];

function parse(hex: string): Rgb {
  const m = HEX.exec(hex.trim());
  if (!m) throw new Error(`not a hex colour: ${hex}`);
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** Relative luminance as WCAG 2 defines it: 0 for black, 1 for white. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parse(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio between two colours, from 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` moved a fraction `t` (0…1) of the way towards `toward`, per channel, rounded. */
export function mix(color: string, toward: string, t: number): string {
  const a = parse(color);
  const b = parse(toward);
  return toHex(a.map((c, i) => Math.round(c + (b[i] - c) * t)) as Rgb);
}

/** WCAG AA: 4.5:1 for body text; 3:1 for large text and for graphics such as bars and borders. */
export const AA_TEXT = 4.5;
export const AA_LARGE = 3;

/**
 * The colour nearest to `color` that reaches `ratio` against `background`: mixed with white on a
 * dark background (with black on a light one) by the least amount that passes, so a priority keeps
 * its hue. A colour that already passes is returned as it is.
 */
export function readableOn(color: string, background: string, ratio: number = AA_TEXT): string {
  const base = toHex(parse(color));
  if (contrastRatio(base, background) >= ratio) return base;
  const toward = relativeLuminance(background) < 0.18 ? '#ffffff' : '#000000';
  // Each step towards white (black) only raises (lowers) every channel, so contrast against the
  // background grows with t once past it: the least passing t is found by halving.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const t = (lo + hi) / 2;
    if (contrastRatio(mix(base, toward, t), background) >= ratio) hi = t;
    else lo = t;
  }
  return mix(base, toward, hi);
}
