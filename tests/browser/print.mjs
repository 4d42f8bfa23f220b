// Prints built pages from Chromium, as a reader pressing Ctrl+P would, to PDF files.
// Driven by tests/browser.rs, which reads the PDFs back.
//
// usage: node tests/browser/print.mjs BASE_URL OUT_DIR PATH...
// prints one JSON object: { pdfs: [file, ...], failedRequests: [...] }
import { chromium } from 'playwright-core';
import path from 'node:path';

const [base, out, ...paths] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
const result = { pdfs: [], failedRequests: [] };
try {
  for (const [i, p] of paths.entries()) {
    const page = await browser.newPage();
    page.on('requestfailed', (r) => result.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`));
    await page.goto(base + p, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    const file = path.join(out, `print-${i}.pdf`);
    // The browser's own print: A4, the stylesheet's print rules, no page backgrounds.
    await page.pdf({ path: file, format: 'A4', preferCSSPageSize: true });
    result.pdfs.push(file);
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
