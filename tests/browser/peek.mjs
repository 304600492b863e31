// Ad-hoc: a clipped screenshot of one page, for looking closely.
// node peek.mjs URL WIDTH Y HEIGHT OUT.png
import { chromium } from "playwright-core";
const [url, width, y, height, out] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const p = await b.newPage({ viewport: { width: +width, height: 900 } });
await p.goto(url);
await p.screenshot({ path: out, fullPage: true, clip: { x: 0, y: +y, width: +width, height: +height } });
await b.close();
