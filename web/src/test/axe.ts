import axe from 'axe-core';

/**
 * The accessibility rules axe can judge without a layout engine, as `rule: nodes` strings.
 * Colour contrast needs real rendering, so the browser is the place for it.
 */
export async function accessibilityViolations(root: Element = document.body): Promise<string[]> {
  const results = await axe.run(root, {
    rules: {
      'color-contrast': { enabled: false },
      region: { enabled: false },
    },
  });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
