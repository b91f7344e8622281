/**
 * wsirc.html in Chromium against Debian's ngircd through websockify, with a second client on a
 * raw socket: the page registers (answering ngircd's authentication PING), joins a channel,
 * says something the raw client receives, and shows what the raw client says.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { artifactPath, chromiumOrSkip, recordPageProblems } from './support/browser.js';
import { startNgircd } from './support/ngircd.js';
import { WEB_ROOT } from './support/paths.js';
import { stopAll, withProcessLogs } from './support/processes.js';
import { RawIrcClient } from './support/raw_irc_client.js';
import { startWebsockify } from './support/websockify.js';

const STEP_TIMEOUT_MS = 15000;
const CHANNEL = '#websockify-test';

after(stopAll);

test('wsirc joins a channel and exchanges messages with another client', { timeout: 90000 },
    (t) => withProcessLogs(() => chatThroughWsirc(t)));

async function chatThroughWsirc(t) {
    const irc = await startNgircd();
    t.after(irc.stop);
    const { port } = await startWebsockify(['--web', WEB_ROOT, '127.0.0.1:0',
        `127.0.0.1:${irc.port}`]);
    const bob = await RawIrcClient.register(irc.port, 'bob');
    t.after(() => bob.close());
    bob.send(`JOIN ${CHANNEL}`);
    await bob.waitForLine(new RegExp(`^:bob!\\S+ JOIN :?${CHANNEL}$`), STEP_TIMEOUT_MS);

    const browser = await chromiumOrSkip(t);
    if (!browser) {
        return;
    }
    t.after(() => browser.close());
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    const log = page.locator('#log');

    // This time through the form rather than autoconnect.
    await page.goto(`http://127.0.0.1:${port}/wsirc.html`);
    const form = page.locator('#connection');
    assert.equal(await form.locator('[name=host]').inputValue(), '127.0.0.1',
        'the host defaults to the server of the page');
    assert.equal(await form.locator('[name=port]').inputValue(), String(port));
    await form.locator('[name=nick]').fill('alice');
    await form.locator('[name=channel]').fill(CHANNEL);
    await form.locator('[name=connect]').click();

    // Registration only completes if the page answered ngircd's PING with the PONG.
    await bob.waitForLine(new RegExp(`^:alice!\\S+ JOIN :?${CHANNEL}$`), STEP_TIMEOUT_MS);
    await log.getByText(`*** alice joined ${CHANNEL}`).waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.match(await page.locator('#status').innerText(), /^connected: .*\(binary\)/);

    await page.locator('#say [name=text]').fill('hello from chromium');
    await page.locator('#say button').click();
    await bob.waitForLine(
        new RegExp(`^:alice!\\S+ PRIVMSG ${CHANNEL} :hello from chromium$`), STEP_TIMEOUT_MS);

    bob.send(`PRIVMSG ${CHANNEL} :hi alice, from a raw socket`);
    await log.getByText(`${CHANNEL}: <bob> hi alice, from a raw socket`)
        .waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.screenshot({ path: artifactPath('wsirc.png') });

    await page.locator('#say [name=text]').fill('/quit done');
    await page.locator('#say button').click();
    await bob.waitForLine(/^:alice!\S+ QUIT :/, STEP_TIMEOUT_MS);
    await page.locator('#status[data-state=disconnected]')
        .waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.deepEqual(problems, [], 'the page reported errors');
}
