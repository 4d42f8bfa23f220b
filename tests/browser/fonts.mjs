// Which fonts Chromium really draws a built site's text in: the page's body text and
// headings, a chart's labels when its SVG is opened on its own, and whether the chart
// shown through the page's <img> changes when its embedded font is taken out (it must,
// or the chart is not drawn in it). Driven by tests/browser.rs.
//
// usage: node tests/browser/fonts.mjs BASE_URL SCREENSHOT_DIR
// prints one JSON object:
// { body: [fonts], heading: [fonts], chart: [fonts], chartSrc, imgChangesWithoutFont, failedRequests }
// where each font is { familyName, isCustomFont, glyphCount } as Chromium reports it.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [base, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});

// The fonts Chromium used for the text of the first node matching `selector`.
async function fontsOf(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  if (!nodeId) return [];
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts.map(({ familyName, isCustomFont, glyphCount }) => ({ familyName, isCustomFont, glyphCount }));
}

// A screenshot of the first chart's <img> on the page, the SVG served as `rewrite` leaves it.
async function chartShot(rewrite, file) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.route('**/figures/*.svg', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: rewrite(await response.text()) });
  });
  await page.goto(base + 'index.html', { waitUntil: 'networkidle' });
  const img = page.locator('figure.chart img').first();
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  const shot = await img.screenshot({ path: path.join(shots, file) });
  await context.close();
  return shot;
}

const result = { failedRequests: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('requestfailed', (r) => result.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
  await page.goto(base + 'index.html', { waitUntil: 'networkidle' });
  await page.evaluate(() => document.fonts.ready);
  result.body = await fontsOf(page, 'article p');
  result.heading = await fontsOf(page, 'h1');
  result.chartSrc = await page.locator('figure.chart img').first().getAttribute('src');
  // The chart file on its own, as someone opening or embedding it would see it.
  await page.goto(base + result.chartSrc, { waitUntil: 'networkidle' });
  await page.evaluate(() => document.fonts.ready);
  result.chart = await fontsOf(page, 'text');
  await context.close();

  const asShipped = await chartShot((svg) => svg, 'chart-with-font.png');
  const withoutFont = await chartShot((svg) => svg.replace(/<defs><style>[\s\S]*?<\/style><\/defs>/, ''), 'chart-without-font.png');
  result.imgChangesWithoutFont = !asShipped.equals(withoutFont);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result, null, 2));
