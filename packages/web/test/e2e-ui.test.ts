// End to end in real Chromium: the real server (startServer, SQLite) holding traces sent by our SDK,
// serving the built UI. Walks the issue's journey: traces page, filter by user, full-text search,
// open a trace, expand a nested generation and read its input/output/usage, follow the session;
// then log in on a password-protected server and be refused without it. Screenshots of each page
// go to packages/web/test-artifacts/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningServer } from "@sightline/server";
import type { BrowserContext, Page } from "playwright-core";
import { artifact, browserSkipReason, launchBrowser } from "./support/browser.js";
import { eventually, startUiServer } from "./support/ui-server.js";
import type { UiServer } from "./support/ui-server.js";
import { OUTPUT_WORD, SENT, sendTraces } from "./support/sdk-traces.js";

const skip = browserSkipReason();
const PUBLIC_KEY = "pk-sl-e2e-ui";
const SECRET_KEY = "sk-sl-e2e-ui";
const KEYS = { publicKey: PUBLIC_KEY, secretKey: SECRET_KEY };

/** Rows of the visible data table. */
async function tableRowTexts(page: Page): Promise<string[]> {
  return page.locator("[role=table] [role=row][data-row-key]").allInnerTexts();
}

describe("web UI against a real server with SDK traces", { skip }, () => {
  let ui: UiServer;
  let server: RunningServer;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ui = await startUiServer(KEYS);
    server = ui.server;
    await sendTraces(server.url, PUBLIC_KEY, SECRET_KEY);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  it("opens directly on loopback without a password and lists the SDK's traces", async () => {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/traces$/);
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 3));
    const rows = await tableRowTexts(page);
    assert.ok(rows.every((r) => r.includes("support-chat")));
    assert.ok(rows.some((r) => r.includes("gpt-4o") === false && r.includes("43")), "token totals are shown");
    await page.screenshot({ path: artifact("traces.png") });
  });

  it("filters by user, keeping the filter in the URL", async () => {
    await page.fill("input[name=userId]", SENT.bob);
    await page.waitForURL(/userId=bob-e2e/);
    await eventually(async () => {
      const rows = await tableRowTexts(page);
      assert.equal(rows.length, 1);
      assert.match(rows[0] ?? "", /bob-e2e/);
    });
    await page.screenshot({ path: artifact("traces-filtered.png") });
    // The URL alone restores the view.
    await page.goto(`${server.url}/traces?userId=${SENT.alice}`);
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 2));
    assert.equal(await page.inputValue("input[name=userId]"), SENT.alice);
  });

  it("searches a word that appears in one output", async () => {
    await page.goto(`${server.url}/traces`);
    await page.fill("input[name=q]", OUTPUT_WORD);
    await page.waitForURL(new RegExp(`q=${OUTPUT_WORD}`));
    await eventually(async () => {
      await page.reload();
      const rows = await tableRowTexts(page);
      assert.equal(rows.length, 1);
      assert.match(rows[0] ?? "", new RegExp(OUTPUT_WORD));
    });
    await page.screenshot({ path: artifact("traces-search.png") });
  });

  it("opens the trace, expands the nested generation and shows its input, output and usage", async () => {
    await page.locator("[role=row][data-row-key] a").first().click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    const tree = page.locator("[role=tree]");
    await tree.locator("[role=treeitem]").first().waitFor();
    assert.deepEqual(
      (await tree.locator(".obs-name").allInnerTexts()).map((s) => s.trim()),
      ["support-chat", "answer-pipeline", "llm-call"],
    );
    // Collapse the pipeline: the generation disappears; expand it again: it is back.
    const pipeline = tree.locator("[role=treeitem]", { hasText: "answer-pipeline" });
    await pipeline.locator("button.twisty").click();
    await eventually(async () => assert.equal(await tree.locator("[role=treeitem]").count(), 2));
    await pipeline.locator("button.twisty").click();
    await eventually(async () => assert.equal(await tree.locator("[role=treeitem]").count(), 3));

    await tree.locator("[role=treeitem]", { hasText: "llm-call" }).click();
    await page.waitForURL(/observation=[0-9a-f]{16}/);
    const panel = page.locator("[data-testid=observation-panel]");
    await panel.waitFor();
    const text = await panel.innerText();
    assert.match(text, /Generation/);
    assert.match(text, /gpt-4o/);
    assert.match(text, new RegExp(SENT.question.replace("?", "\\?")));
    assert.match(text, new RegExp(SENT.answer));
    assert.match(text, /USAGE \(TOKENS\)[\s\S]*input\s+31[\s\S]*output\s+12[\s\S]*total\s+43/i);
    assert.match(text, /temperature/);
    // The SDK sent the cost: the panel says it is the client's, not a computed one.
    assert.match(text, /why this cost[\s\S]*provided by the client/i);
    await page.screenshot({ path: artifact("trace.png") });

    // Keyboard: up selects the parent, left collapses it (hiding the generation), right expands it.
    await tree.focus();
    await page.keyboard.press("ArrowUp");
    await eventually(async () => assert.equal(await tree.locator("[aria-selected=true] .obs-name").innerText(), "answer-pipeline"));
    assert.equal(new URL(page.url()).searchParams.get("observation"), await pipeline.getAttribute("data-observation-id"));
    await page.keyboard.press("ArrowLeft");
    await eventually(async () => assert.equal(await tree.locator("[role=treeitem]").count(), 2));
    await page.keyboard.press("ArrowRight");
    await eventually(async () => assert.equal(await tree.locator("[role=treeitem]").count(), 3));
  });

  it("deep-links to an observation and renders the dark theme", async () => {
    const url = page.url();
    await page.evaluate(() => localStorage.setItem("sightline.theme", "dark"));
    await page.goto(url);
    await page.locator("[data-testid=observation-panel]").waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.screenshot({ path: artifact("trace-dark.png") });
    await page.evaluate(() => localStorage.setItem("sightline.theme", "light"));
  });

  it("follows the session from the trace and reads it as a conversation", async () => {
    await page.goto(`${server.url}/traces?userId=${SENT.alice}`);
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 2));
    await page.locator("[role=row][data-row-key] a").first().click();
    await page.locator("a", { hasText: `session ${SENT.session}` }).first().click();
    await page.waitForURL(new RegExp(`/sessions/${SENT.session}`));
    const turns = page.locator(".turn");
    await eventually(async () => assert.equal(await turns.count(), 2));
    assert.match(await turns.nth(0).innerText(), /What jam goes with scones\?[\s\S]*marmalade/);
    assert.match(await turns.nth(1).innerText(), /crumpets/);
    await page.screenshot({ path: artifact("session.png") });
    await turns.nth(1).locator("a", { hasText: "Open trace" }).click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    await page.locator("[data-testid=trace-panel]").waitFor();
  });

  it("shows the sessions, users and observations pages", async () => {
    await page.goto(`${server.url}/sessions`);
    await eventually(async () => assert.match((await tableRowTexts(page)).join("\n"), new RegExp(SENT.session)));
    await page.screenshot({ path: artifact("sessions.png") });
    await page.goto(`${server.url}/users`);
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 2));
    await page.screenshot({ path: artifact("users.png") });
    await page.locator("a", { hasText: SENT.alice }).click();
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 2));
    await page.screenshot({ path: artifact("user.png") });
    await page.goto(`${server.url}/observations?type=GENERATION`);
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 3));
    await page.screenshot({ path: artifact("observations.png") });
  });

  it("creates an API key in settings, shows its secret once, and the key works", async () => {
    await page.goto(`${server.url}/settings`);
    await page.fill("input[name=note]", "e2e key");
    await page.click("button:has-text('Create key')");
    const banner = page.locator("[data-testid=new-key]");
    await banner.waitFor();
    const env = await banner.locator("pre").innerText();
    const publicKey = /SIGHTLINE_PUBLIC_KEY=(\S+)/.exec(env)?.[1] ?? "";
    const secretKey = /SIGHTLINE_SECRET_KEY=(\S+)/.exec(env)?.[1] ?? "";
    const res = await fetch(`${server.url}/api/public/traces`, { headers: { authorization: `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}` } });
    assert.equal(res.status, 200);
    assert.match(await page.locator("table.keys").innerText(), /e2e key/);
    await page.screenshot({ path: artifact("settings.png") });
    assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
  });
});

describe("web UI login on a password-protected server", { skip }, () => {
  let ui: UiServer;
  let server: RunningServer;
  let browser: { context: BrowserContext; close: () => Promise<void> };

  before(async () => {
    ui = await startUiServer(KEYS, { adminPassword: "correct horse" });
    server = ui.server;
    await sendTraces(server.url, PUBLIC_KEY, SECRET_KEY);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await ui?.close();
  });

  it("refuses the API without credentials", async () => {
    for (const path of ["/api/public/traces", "/api/ui/projects", "/api/ui/traces/abc/tree"]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 401, path);
    }
  });

  it("asks for the password, rejects a wrong one, and shows the traces after logging in", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/traces`);
    await page.locator("input[name=password]").waitFor();
    await page.screenshot({ path: artifact("login.png") });
    await page.fill("input[name=password]", "wrong");
    await page.click("button[type=submit]");
    await page.locator("[role=alert]", { hasText: "Wrong password" }).waitFor();
    await page.fill("input[name=password]", "correct horse");
    await page.click("button[type=submit]");
    await eventually(async () => assert.equal((await tableRowTexts(page)).length, 3));
    const cookies = await browser.context.cookies(server.url);
    const session = cookies.find((c) => c.name === "sightline_session");
    assert.ok(session);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Lax");
    await page.click("button:has-text('Sign out')");
    await page.locator("input[name=password]").waitFor();
  });
});
