// page.mjs URL PNG: probe serve's status page (URL, a running serve) in
// Debian's Chromium, headless, driven over the DevTools protocol: what it
// renders (each kind's verdict, the checks, a reason carrying markup shown
// as text), that no script of it ran, that it fetches nothing else, that
// it fits a phone's width; a screenshot of it to PNG. Prints "ok - ..." or
// "FAIL - ..." lines and "N passed, N failed".
import puppeteer from "puppeteer-core";

const [url, png] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(name, ok, why = "") {
  if (ok) { passed++; console.log(`ok - page: ${name}`); }
  else { failed++; console.log(`FAIL - page: ${name}${why ? ": " + why : ""}`); }
}

const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.setViewport({ width: 1100, height: 800 });
  const res = await page.goto(url, { waitUntil: "load" });
  check("GET / answers 200 text/html", res.status() === 200 &&
    res.headers()["content-type"] === "text/html; charset=utf-8", `${res.status()} ${res.headers()["content-type"]}`);
  const dom = await page.evaluate(() => ({
    title: document.title,
    refresh: document.querySelector('meta[http-equiv="refresh"]')?.content,
    scripts: document.querySelectorAll("script").length,
    imgs: document.querySelectorAll("img").length,
    kinds: [...document.querySelectorAll("#checks tr.kind")].map((r) => r.textContent),
    rows: [...document.querySelectorAll("#checks tr:not(.kind)")].slice(1).map((r) => r.textContent),
    changes: [...document.querySelectorAll("#changes tr")].slice(1).map((r) => r.textContent),
    build: document.querySelector("#build")?.textContent,
    xss: window.__probe_xss,
  }));
  check("each kind's verdict", dom.kinds.length === 3 &&
    dom.kinds.some((k) => k.includes("readiness") && k.includes("unhealthy")) &&
    dom.kinds.some((k) => k.includes("liveness") && k.includes("healthy")), JSON.stringify(dom.kinds));
  check("each check's last result", dom.rows.some((r) => r.includes('http "app"') &&
    r.includes("unhealthy") && r.includes("HTTP 503")), JSON.stringify(dom.rows));
  check("a reason with markup is shown as text", dom.rows.some((r) =>
    r.includes('status "<script>window.__probe_xss=1</script><img src=x onerror=')),
    JSON.stringify(dom.rows));
  check("no script ran, no element came from a reason", dom.xss === undefined &&
    dom.scripts === 0 && dom.imgs === 0 && dialogs.length === 0, JSON.stringify(dom));
  check("the recent changes, newest first", dom.changes.length >= 1 &&
    /healthy.*unhealthy.*HTTP 503/.test(dom.changes[0]), JSON.stringify(dom.changes));
  check("the build", /probe \S+, (static|dynamic) build/.test(dom.build ?? ""), dom.build);
  check("it reloads itself", dom.refresh === "5", String(dom.refresh));
  check("nothing fetched but the page", requests.length === 1 && requests[0] === url,
    JSON.stringify(requests));
  await page.screenshot({ path: png, fullPage: true });
  await page.setViewport({ width: 390, height: 844, isMobile: true });
  await page.reload({ waitUntil: "load" });
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  check("it fits a phone's width (390 px)", fits);
  await page.screenshot({ path: png.replace(/\.png$/, "-phone.png"), fullPage: true });
} catch (e) {
  check("the browser", false, e.message);
} finally {
  await browser.close();
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
