/** Debian's ngircd on 127.0.0.1 with a throw-away configuration. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { findProgram } from './paths.js';
import { freePort } from './ports.js';
import { ChildProcess } from './processes.js';

const STARTUP_TIMEOUT_MS = 10000;

/**
 * Starts ngircd in the foreground (-n) without links to other servers (-p).
 * RequireAuthPing makes it PING every new client and register it only after the PONG, so
 * that registering at all proves the client answers PING.
 * @returns {Promise<{process: ChildProcess, port: number, serverName: string,
 *   stop: () => Promise<void>}>}
 */
export async function startNgircd() {
    const ngircd = findProgram('ngircd', 'ngircd');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wsirc-ngircd-'));
    const port = await freePort();
    const serverName = 'irc.websockify.test';
    const config = path.join(dir, 'ngircd.conf');
    writeFileSync(config, [
        '[Global]',
        `Name = ${serverName}`,
        'Info = websockify browser test',
        'AdminInfo1 = websockify test suite',
        'AdminInfo2 = nowhere',
        'AdminEMail = nobody@invalid',
        'Listen = 127.0.0.1',
        `Ports = ${port}`,
        'MotdPhrase = "websockify browser test"',
        // ngircd started as root switches to "nobody", which cannot write here; the failure
        // is only logged, and a pid file elsewhere could clash with a system ngircd.
        `PidFile = ${path.join(dir, 'ngircd.pid')}`,
        '[Limits]',
        'MaxNickLength = 30',
        '[Options]',
        'DNS = no',
        'Ident = no',
        'PAM = no',
        'RequireAuthPing = yes',
        '',
    ].join('\n'));
    const child = new ChildProcess('ngircd', ngircd, ['-n', '-p', '-f', config]);
    await child.waitForOutput(new RegExp(`Now listening on \\[127\\.0\\.0\\.1\\]:${port}\\b`),
        STARTUP_TIMEOUT_MS);
    return {
        process: child,
        port,
        serverName,
        stop: async () => {
            await child.stop();
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
