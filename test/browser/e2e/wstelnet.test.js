/**
 * wstelnet.html in Chromium against telnetd: websockify serves web/ and wraps Debian's
 * in.telnetd in respawn mode (that telnetd serves one connection per start). The terminal
 * must show telnetd's login prompt, take typed input, and show the prompt again after a
 * reload, which needs a respawned telnetd.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { artifactPath, chromiumOrSkip, recordPageProblems } from './support/browser.js';
import { WEB_ROOT, findProgram, requireWebPackages } from './support/paths.js';
import { freePort } from './support/ports.js';
import { stopAll, withProcessLogs } from './support/processes.js';
import { startWebsockify } from './support/websockify.js';

const STEP_TIMEOUT_MS = 15000;

after(stopAll);

/** The terminal's visible text, as xterm.js renders it into the DOM. */
function terminalText(page) {
    return page.locator('.xterm-rows').innerText();
}

async function waitForTerminalText(page, text) {
    try {
        await page.waitForFunction(
            (wanted) => document.querySelector('.xterm-rows')?.textContent.includes(wanted),
            text, { timeout: STEP_TIMEOUT_MS });
    } catch (error) {
        const status = await page.locator('#status').innerText();
        assert.fail(`terminal never showed ${JSON.stringify(text)} (status: ${status}); it shows:\n`
            + `${await terminalText(page)}\n${error.message}`);
    }
}

test('wstelnet shows telnetd\'s login prompt, takes input, and again after a reload',
    { timeout: 90000 }, (t) => withProcessLogs(() => loginThroughWstelnet(t)));

async function loginThroughWstelnet(t) {
    requireWebPackages();
    const telnetd = findProgram('in.telnetd', 'telnetd-ssl');
    const port = await freePort();
    // in.telnetd runs login, which needs root: as root, say so explicitly.
    const asRoot = process.geteuid() === 0 ? ['--wrap-as-root'] : [];
    const { process: websockify } = await startWebsockify([...asRoot, '--web', WEB_ROOT,
        '--wrap-mode=respawn', `127.0.0.1:${port}`, '--', telnetd, '-debug', String(port)]);
    const browser = await chromiumOrSkip(t);
    if (!browser) {
        return;
    }
    t.after(() => browser.close());
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    const url = `http://127.0.0.1:${port}/wstelnet.html?host=127.0.0.1&port=${port}`
        + '&autoconnect=1';

    await page.goto(url);
    await waitForTerminalText(page, 'login:');
    assert.match(await page.locator('#status').innerText(), /^connected: .*\(binary\)/);
    await page.screenshot({ path: artifactPath('wstelnet-login.png') });

    // Typing reaches telnetd through the telnet encoder: a user name gets the password
    // prompt.
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('nosuchuser');
    await page.keyboard.press('Enter');
    await waitForTerminalText(page, 'Password:');

    // The old telnetd has served its one connection; only a respawned one can answer.
    await page.reload();
    await waitForTerminalText(page, 'login:');
    const text = await terminalText(page);
    assert.doesNotMatch(text, /Password:/, 'the reloaded page must show a fresh session');
    await page.screenshot({ path: artifactPath('wstelnet-after-reload.png') });

    const starts = websockify.output.match(/Starting '.*in\.telnetd -debug/g) ?? [];
    assert.ok(starts.length >= 2,
        `telnetd started ${starts.length} times:\n${websockify.output}`);
    assert.deepEqual(problems, [], 'the page reported errors');
}
