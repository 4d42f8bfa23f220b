// Loads pages in headless Chromium and reports what a reader's browser would:
// console errors, failed requests, axe-core accessibility violations, and
// screenshots at phone and desktop widths. Driven by tests/browser.rs.
//
// usage: node tests/browser/check.mjs BASE_URL SCREENSHOT_DIR PATH...
// prints one JSON object: { pages: [{ path, consoleErrors, failedRequests, violations, screenshots }] }
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
// The pages' Content-Security-Policy forbids script tags, so axe is evaluated through the
// DevTools protocol instead, which the policy does not govern; a CSP violation by the page
// itself still shows as a console error.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, shots, ...paths] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const pages = [];
try {
  for (const pagePath of paths) {
    const result = { path: pagePath, consoleErrors: [], failedRequests: [], violations: [], screenshots: [] };
    for (const width of [375, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(`${width}px: ${m.text()}`); });
      page.on('pageerror', (e) => result.consoleErrors.push(`${width}px: ${e.message}`));
      page.on('requestfailed', (r) => result.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
      page.on('response', (r) => { if (r.status() >= 400) result.failedRequests.push(`${r.url()} (HTTP ${r.status()})`); });
      page.on('request', (r) => {
        if (!r.url().startsWith(base)) result.failedRequests.push(`${r.url()} (leaves the site)`);
      });
      await page.goto(base + pagePath, { waitUntil: 'networkidle' });
      // Lazy images load when scrolled to; scroll so every request is made and checked.
      await page.evaluate(async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) { window.scrollTo(0, y); await new Promise((r) => setTimeout(r, 20)); }
        window.scrollTo(0, 0);
      });
      await page.waitForLoadState('networkidle');
      const file = path.join(shots, `${pagePath.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'index'}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      result.screenshots.push(file);
      if (width === 1280) {
        await page.evaluate(axeSource);
        const axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
        result.violations = axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
      }
      await context.close();
    }
    pages.push(result);
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ pages }, null, 2));
