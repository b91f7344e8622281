/**
 * Debian's Chromium driven by playwright-core; never a downloaded browser.
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Keeps Chromium headless, quiet and off the network beyond what the test opens. */
const CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Thrown when Chromium cannot start here; the test then skips, saying why. */
export class ChromiumUnavailable extends Error {}

/**
 * @param {object} [options]
 * @param {boolean} [options.ignoreCertificateErrors] for the tests' self-signed certificates
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium({ ignoreCertificateErrors = false } = {}) {
    let chromium;
    try {
        ({ chromium } = await import('playwright-core'));
    } catch (error) {
        throw new Error(
            `playwright-core is missing: run \`npm ci\` in test/browser (${error.message})`);
    }
    if (!existsSync(CHROMIUM)) {
        throw new ChromiumUnavailable(`${CHROMIUM} not found (Debian package chromium)`);
    }
    const args = [...CHROMIUM_ARGS];
    if (ignoreCertificateErrors) {
        args.push('--ignore-certificate-errors');
    }
    try {
        // launch() gives every browser a fresh temporary profile directory.
        return await chromium.launch({ executablePath: CHROMIUM, args, timeout: 30000 });
    } catch (error) {
        throw new ChromiumUnavailable(`${CHROMIUM} did not start: ${error.message}`);
    }
}

/**
 * Launches Chromium, or marks the test skipped (loudly: ctest matches the line and reports it
 * as skipped) when Chromium cannot start. With WEBSOCKIFY_REQUIRE_BROWSER=1 that fails instead.
 * @param {import('node:test').TestContext} t
 * @param {object} [options] as launchChromium
 * @returns {Promise<import('playwright-core').Browser|null>} null when skipped
 */
export async function chromiumOrSkip(t, options) {
    try {
        return await launchChromium(options);
    } catch (error) {
        const required = process.env.WEBSOCKIFY_REQUIRE_BROWSER === '1';
        if (!(error instanceof ChromiumUnavailable) || required) {
            throw error;
        }
        console.log(`BROWSER TEST SKIPPED: Chromium cannot start: ${error.message}`);
        t.skip(`Chromium cannot start: ${error.message}`);
        return null;
    }
}

/**
 * Where screenshots go: $BROWSER_ARTIFACT_DIR (CMake points it into the build dir), else a
 * folder under the system's temporary directory, never the source tree.
 */
export function artifactPath(name) {
    const dir = process.env.BROWSER_ARTIFACT_DIR
        || path.join(os.tmpdir(), 'websockify-browser-artifacts');
    mkdirSync(dir, { recursive: true });
    return path.join(dir, name);
}

/** Collects the page's console errors and uncaught exceptions, for failure messages. */
export function recordPageProblems(page) {
    const problems = [];
    page.on('console', (message) => {
        if (message.type() === 'error') {
            problems.push(`console: ${message.text()}`);
        }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
        if (response.status() >= 400) {
            problems.push(`HTTP ${response.status()} for ${response.url()}`);
        }
    });
    return problems;
}
