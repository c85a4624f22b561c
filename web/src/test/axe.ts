import axe from 'axe-core';

/**
 * The accessibility rules axe can judge without a layout engine, as `rule: nodes` strings.
 * Colour contrast needs real rendering, so the browser is the place for it.
 */
export async function accessibilityViolations(root: Element = document.body): Promise<string[]> {
  const inDialog = root.closest('[role="dialog"]') !== null;
  const results = await axe.run(root, {
    rules: {
      'color-contrast': { enabled: false },
      region: { enabled: false },
      // Mantine's dialog puts its title in a <header> inside a <section role="dialog">. Browsers
      // scope that header to the section, so it is no second banner; axe goes by the role.
      'landmark-no-duplicate-banner': { enabled: !inDialog },
      'landmark-unique': { enabled: !inDialog },
    },
  });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
