// The preview in headless Chromium, as an author uses it: scroll down, save an
// edit (the page reloads by itself at the same place), save a typo (the overlay
// appears, visible and accessible by axe-core), fix it (the overlay goes).
// Driven by tests/browser.rs against a running `briefing serve`.
//
// usage: node tests/browser/overlay.mjs BASE_URL FILE
// prints one JSON object: { reloaded, scrollBefore, scrollAfter, overlayVisible, overlayText, violations, overlayGone }
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, file] = process.argv.slice(2);
const original = readFileSync(file, 'utf8');
const edit = (from, to) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
const result = {};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
  // Loaded and following the builds: "networkidle" can take longer than a busy machine allows
  // while the server is still typesetting the PDFs it put off.
  await page.goto(base, { waitUntil: 'load', timeout: 90000 });
  await page.waitForFunction(() => document.documentElement.dataset.briefingPreview === 'live', null, { timeout: 90000 });
  await page.evaluate(() => window.scrollTo(0, 900));
  result.scrollBefore = await page.evaluate(() => window.scrollY);

  const reload = page.waitForEvent('load', { timeout: 60000 });
  edit('Cities with more protected lanes', 'Cities that build protected lanes');
  await reload;
  await page.waitForFunction(() => document.body.innerText.includes('Cities that build protected lanes'), null, { timeout: 60000 });
  await page.waitForTimeout(300);
  result.reloaded = true;
  result.scrollAfter = await page.evaluate(() => window.scrollY);

  edit('field="commuter_share") -%}', 'field="commuter_shar") -%}');
  const overlay = page.locator('#briefing-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 60000 });
  result.overlayVisible = await overlay.isVisible();
  const box = await overlay.boundingBox();
  result.overlayInView = !!box && box.y >= 0 && box.y + 40 <= 700;
  result.overlayText = await overlay.innerText();
  await page.evaluate(axeSource);
  const axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  result.violations = axe.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));

  edit('field="commuter_shar") -%}', 'field="commuter_share") -%}');
  await page.locator('#briefing-overlay').waitFor({ state: 'detached', timeout: 60000 });
  result.overlayGone = true;
} finally {
  writeFileSync(file, original);
  await browser.close();
}
console.log(JSON.stringify(result, null, 2));
