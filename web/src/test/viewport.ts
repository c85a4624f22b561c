/**
 * The viewport width the tests' `matchMedia` answers for (jsdom has no layout). Phones by
 * default; a test that wants the wide layout says so with `setViewportWidth(1280)`.
 */
const PHONE_WIDTH = 390;
const PX_PER_EM = 16;

let width = PHONE_WIDTH;

export function setViewportWidth(px: number) {
  width = px;
}

export function resetViewport() {
  width = PHONE_WIDTH;
}

function toPx(value: string, unit: string): number {
  return unit === 'em' || unit === 'rem' ? Number(value) * PX_PER_EM : Number(value);
}

/** Answers `(min-width: …)` and `(max-width: …)` queries; every other feature (dark scheme, reduced motion) is off. */
export function matchesMedia(query: string): boolean {
  const min = /\(min-width:\s*([\d.]+)(px|em|rem)\)/.exec(query);
  if (min) return width >= toPx(min[1], min[2]);
  const max = /\(max-width:\s*([\d.]+)(px|em|rem)\)/.exec(query);
  if (max) return width <= toPx(max[1], max[2]);
  return false;
}
