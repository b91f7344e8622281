/**
 * The noVNC check shared by the ws:// and wss:// tests: a solid-colour desktop behind x11vnc,
 * websockify serving noVNC's vnc.html with --web and proxying to x11vnc, and Chromium opening
 * vnc.html?autoconnect=1. noVNC must say it is connected, and its canvas must show the colour.
 */
import assert from 'node:assert/strict';

import { artifactPath, chromiumOrSkip, recordPageProblems } from './browser.js';
import { novncRoot } from './paths.js';
import { makeSelfSignedCertificate } from './tls.js';
import { startSolidColourDesktop } from './vnc_desktop.js';
import { startWebsockify } from './websockify.js';

const STEP_TIMEOUT_MS = 20000;
/** An unusual colour, so that a black or white canvas (nothing drawn) cannot match. */
const COLOUR = Object.freeze({ red: 0x33, green: 0x66, blue: 0xcc });

/**
 * @param {import('node:test').TestContext} t
 * @param {{encrypt: boolean}} options
 */
export async function checkNovnc(t, { encrypt }) {
    const root = novncRoot();
    const desktop = await startSolidColourDesktop(COLOUR);
    t.after(desktop.stop);
    const tlsOptions = [];
    if (encrypt) {
        const certificate = makeSelfSignedCertificate();
        t.after(certificate.remove);
        tlsOptions.push('--cert', certificate.cert, '--key', certificate.key);
    }
    const { process: websockify, port } = await startWebsockify([...tlsOptions, '--web', root,
        '127.0.0.1:0', `127.0.0.1:${desktop.vncPort}`]);
    t.after(() => websockify.stop());

    const browser = await chromiumOrSkip(t, { ignoreCertificateErrors: encrypt });
    if (!browser) {
        return;
    }
    t.after(() => browser.close());
    const context = await browser.newContext({ ignoreHTTPSErrors: encrypt });
    const page = await context.newPage();
    const problems = recordPageProblems(page);
    const scheme = encrypt ? 'https' : 'http';
    await page.goto(`${scheme}://127.0.0.1:${port}/vnc.html?host=127.0.0.1&port=${port}`
        + `&encrypt=${encrypt ? 1 : 0}&autoconnect=1&path=websockify`);

    const status = await waitForConnected(page);
    assert.match(status, encrypt ? /Connected \(encrypted\)/ : /Connected \(unencrypted\)/);
    const pixels = await waitForCanvasColour(page);
    await page.screenshot({ path: artifactPath(`novnc-${encrypt ? 'wss' : 'ws'}.png`) });

    assert.equal(pixels.mismatches, 0, `canvas pixels not ${JSON.stringify(COLOUR)}: `
        + JSON.stringify(pixels));
    const connectionLine = encrypt ? /SSL\/TLS \(wss:\/\/\) WebSocket connection/
        : /Plain non-SSL \(ws:\/\/\) WebSocket connection/;
    assert.match(websockify.output, connectionLine);
    // noVNC's UI fetches package.json only to show its version; Debian's novnc has none.
    const real = problems.filter((problem) => !/package\.json|status of 404/.test(problem));
    assert.deepEqual(real, [], `the page reported errors: ${JSON.stringify(problems)}`);
}

/** noVNC marks the page `noVNC_connected` and shows "Connected (...) to <desktop>". */
async function waitForConnected(page) {
    try {
        const handle = await page.waitForFunction(() => {
            const status = document.getElementById('noVNC_status')?.textContent ?? '';
            return document.documentElement.classList.contains('noVNC_connected')
                && status.startsWith('Connected') && status;
        }, null, { timeout: STEP_TIMEOUT_MS });
        return await handle.jsonValue();
    } catch (error) {
        const status = await page.locator('#noVNC_status').textContent();
        throw new Error(
            `noVNC never reported connected; its status says '${status}'\n${error.message}`);
    }
}

/**
 * Samples a grid over noVNC's canvas until every sample is the desktop's colour (the first
 * framebuffer update arrives a little after "connected").
 */
async function waitForCanvasColour(page) {
    // Runs in the page; with onlyWhenMatching it returns false until every sample matches,
    // which is what waitForFunction polls for.
    const sample = ({ wanted, onlyWhenMatching }) => {
        const canvas = document.querySelector('#noVNC_container canvas');
        if (!canvas || canvas.width === 0 || canvas.height === 0) {
            return onlyWhenMatching ? false : { canvas: 'missing or empty' };
        }
        const context = canvas.getContext('2d');
        const points = [];
        for (let row = 1; row <= 3; row++) {
            for (let column = 1; column <= 3; column++) {
                points.push([Math.floor((canvas.width * column) / 4),
                    Math.floor((canvas.height * row) / 4)]);
            }
        }
        const mismatches = points
            .map(([x, y]) => [x, y, ...context.getImageData(x, y, 1, 1).data])
            .filter(([, , r, g, b]) => r !== wanted.red || g !== wanted.green || b !== wanted.blue);
        if (onlyWhenMatching && mismatches.length > 0) {
            return false;
        }
        return {
            width: canvas.width,
            height: canvas.height,
            samples: points.length,
            mismatches: mismatches.length,
            firstMismatch: mismatches[0] ?? null,
        };
    };
    try {
        const handle = await page.waitForFunction(sample,
            { wanted: COLOUR, onlyWhenMatching: true }, { timeout: STEP_TIMEOUT_MS });
        return await handle.jsonValue();
    } catch {
        // The caller's assertion then reports what the canvas shows.
        return page.evaluate(sample, { wanted: COLOUR, onlyWhenMatching: false });
    }
}
