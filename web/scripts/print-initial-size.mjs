// Prints the gzipped size of the JavaScript a browser loads before the app starts:
// the entry script of dist/index.html and every chunk it preloads. Lazy chunks are not counted.
// Exits non-zero when the total passes the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const sources = new Set();
for (const match of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) sources.add(match[1]);
for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) sources.add(match[1]);

let total = 0;
for (const src of sources) {
  const bytes = gzipSync(readFileSync(join(dist, src.replace(/^\//, ''))), { level: 9 }).length;
  total += bytes;
  console.log(`  ${src}  ${(bytes / 1024).toFixed(1)} kB gzipped`);
}
const totalKb = total / 1024;
console.log(`initial JS: ${totalKb.toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`);
if (totalKb > BUDGET_KB) {
  console.error(`initial JS is over the ${BUDGET_KB} kB budget`);
  process.exit(1);
}
