// What a person sees, checked in Debian's headless Chromium: for every page
// type of the public site (home, filtered listing, release, archive, exit
// notice, search with results and empty, 404) it
//   - saves screenshots at 375 px and 1280 px wide (screenshots/, gitignored),
//   - runs axe-core at both widths: 0 violations at WCAG 2.2 AA allowed,
//   - runs the Nu Html Checker (vnu-jar): 0 errors allowed,
//   - checks that nothing overflows sideways at 320 px, that nothing shifts
//     while loading (CLS 0), and that the first Tab shows the skip link.
// It starts `pressroom serve --demo` on a random loopback port itself.
// Exits non-zero on any failure. Usage: node check.mjs [path/to/pressroom]

import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const vnuJar = require("vnu-jar");
const bin = process.argv[2] ?? join(here, "../../target/debug/pressroom");
const shotsDir = join(here, "screenshots");
const WIDTHS = [375, 1280];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.log(`  FAIL ${msg}`);
};

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--demo", "--bind", "127.0.0.1:0"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, PRESSROOM_LOG: "warn" },
    });
    const timer = setTimeout(() => reject(new Error("server did not start in 30 s")), 30000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function get(url) {
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

// Finds the demo pages to check: a release whose body links outside (so the
// exit notice has a real target), and that link.
async function discover(base) {
  for (let page = 1; page <= 5; page++) {
    const { text } = await get(`${base}/?page=${page}`);
    const paths = [...text.matchAll(/href="(\/releases\/[^"]+)"/g)].map((m) => m[1]);
    for (const path of paths) {
      const release = await get(base + path);
      const exit = release.text.match(/href="(\/leaving\?to=[^"]+)"/);
      if (exit) return { release: path, exit: exit[1].replaceAll("&amp;", "&") };
    }
  }
  throw new Error("no demo release links outside the site");
}

async function main() {
  mkdirSync(shotsDir, { recursive: true });
  const { child, base } = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const htmlDir = mkdtempSync(join(tmpdir(), "pressroom-vnu-"));
  try {
    const { release, exit } = await discover(base);
    const pages = [
      { name: "home", path: "/", status: 200 },
      { name: "filtered-listing", path: "/?kind=Readout&year=2026", status: 200 },
      { name: "release", path: release, status: 200 },
      { name: "archive", path: "/archive/2026", status: 200 },
      { name: "archive-years", path: "/archive", status: 200 },
      { name: "exit-notice", path: exit, status: 200 },
      { name: "search", path: "/search?q=Norvia+minister", status: 200 },
      { name: "search-empty", path: "/search", status: 200 },
      { name: "not-found", path: "/no/such/page", status: 404 },
    ];
    // The real site, CSP and all, for what a reader sees.
    const plain = await browser.newContext();
    // axe has to be injected; only this context lifts the CSP to allow it.
    const forAxe = await browser.newContext({ bypassCSP: true });

    const htmlFiles = [];
    for (const p of pages) {
      console.log(`${p.name}: ${p.path}`);
      const fetched = await get(base + p.path);
      if (fetched.status !== p.status) fail(`${p.name}: status ${fetched.status}, expected ${p.status}`);
      const file = join(htmlDir, `${p.name}.html`);
      writeFileSync(file, fetched.text);
      htmlFiles.push(file);

      const page = await plain.newPage();
      const errors = [];
      const self = base + p.path;
      page.on("console", (m) => {
        // A 404 page reports its own status as a console error; that one is expected.
        if (m.type() === "error" && !(p.status === 404 && m.location().url === self)) errors.push(m.text());
      });
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(base + p.path, { waitUntil: "load" });
        await page.screenshot({ path: join(shotsDir, `${p.name}-${width}.png`), fullPage: true });
      }
      if (errors.length) fail(`${p.name}: console errors (a CSP violation?): ${errors.join(" | ")}`);

      // 320 px: nothing may need sideways scrolling.
      await page.setViewportSize({ width: 320, height: 800 });
      await page.goto(base + p.path, { waitUntil: "load" });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      if (overflow > 320) fail(`${p.name}: ${overflow} px wide at a 320 px viewport`);

      // Nothing moves once painted.
      const cls = await page.evaluate(
        () =>
          new Promise((resolve) => {
            let sum = 0;
            new PerformanceObserver((list) => {
              for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => resolve(sum), 300);
          }),
      );
      if (cls > 0) fail(`${p.name}: cumulative layout shift ${cls}`);

      // The first Tab lands on a visible skip link.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(base + p.path, { waitUntil: "load" });
      await page.keyboard.press("Tab");
      const skip = await page.evaluate(() => {
        const a = document.activeElement;
        const r = a.getBoundingClientRect();
        const style = getComputedStyle(a);
        return { text: a.textContent, top: r.top, outline: style.outlineStyle };
      });
      if (skip.text !== "Skip to main content" || skip.top < 0 || skip.outline === "none")
        fail(`${p.name}: the first Tab does not show the skip link: ${JSON.stringify(skip)}`);
      await page.close();

      const axePage = await forAxe.newPage();
      for (const width of WIDTHS) {
        await axePage.setViewportSize({ width, height: 900 });
        await axePage.goto(base + p.path, { waitUntil: "load" });
        await axePage.addScriptTag({ path: axePath });
        const result = await axePage.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
          AXE_TAGS,
        );
        for (const v of result.violations) {
          fail(
            `${p.name} @${width}px axe ${v.id} (${v.impact}): ${v.help} — ` +
              v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", "),
          );
        }
        console.log(`  axe @${width}px: ${result.violations.length} violations, ${result.passes.length} rules passed`);
      }
      await axePage.close();
    }

    console.log("Nu Html Checker:");
    let report;
    try {
      execFileSync("java", ["-jar", vnuJar, "--format", "json", "--errors-only", ...htmlFiles], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      report = { messages: [] };
    } catch (e) {
      // vnu exits 1 when it finds errors and writes its JSON to stderr.
      report = JSON.parse(e.stderr.toString() || "{}");
      if (!report.messages) throw e;
    }
    for (const m of report.messages.filter((m) => m.type === "error")) {
      fail(`vnu ${m.url?.split("/").pop()}:${m.lastLine}: ${m.message}`);
    }
    console.log(`  ${htmlFiles.length} pages, ${report.messages.length} errors`);
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    rmSync(htmlDir, { recursive: true, force: true });
  }
  console.log(`screenshots in ${shotsDir}`);
  if (failures.length) {
    console.log(`browser checks: ${failures.length} failures`);
    process.exit(1);
  }
  console.log("browser checks: all passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
