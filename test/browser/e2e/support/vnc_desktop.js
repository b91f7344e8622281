/**
 * A VNC server showing a known picture: Xvfb with its root window painted one solid colour
 * (xsetroot), shared by x11vnc on 127.0.0.1 without a password.
 */

import { findProgram } from './paths.js';
import { freePort } from './ports.js';
import { ChildProcess } from './processes.js';

const STARTUP_TIMEOUT_MS = 15000;

/**
 * @param {{red: number, green: number, blue: number}} colour
 * @returns {Promise<{vncPort: number, display: string, stop: () => Promise<void>}>}
 */
export async function startSolidColourDesktop(colour) {
    const started = [];
    const stop = async () => {
        for (const child of started.reverse()) {
            await child.stop();
        }
    };
    try {
        const display = await startXvfb(started);
        await paintRoot(display, colour);
        const vncPort = await startX11vnc(display, started);
        return { vncPort, display, stop };
    } catch (error) {
        await stop();
        throw error;
    }
}

/** Xvfb picks a free display itself and writes its number to fd 3 once it accepts clients. */
async function startXvfb(started) {
    const xvfb = new ChildProcess('Xvfb', findProgram('Xvfb', 'xvfb'),
        // -noreset: by default the server resets when its last client leaves, and that
        // would repaint the root black as soon as xsetroot exits.
        ['-displayfd', '3', '-screen', '0', '320x240x24', '-nolisten', 'tcp', '-noreset'],
        { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    started.push(xvfb);
    const displayPipe = xvfb.child.stdio[3];
    displayPipe.setEncoding('utf8');
    let written = '';
    const number = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(
            `Xvfb reported no display within ${STARTUP_TIMEOUT_MS} ms:\n${xvfb.output}`)),
        STARTUP_TIMEOUT_MS);
        displayPipe.on('data', (text) => {
            written += text;
            if (written.includes('\n')) {
                clearTimeout(timer);
                resolve(written.trim());
            }
        });
        xvfb.exited.then(() => {
            clearTimeout(timer);
            reject(new Error(`Xvfb exited (${xvfb.exitCode}):\n${xvfb.output}`));
        });
    });
    return `:${number}`;
}

async function paintRoot(display, { red, green, blue }) {
    const hex = [red, green, blue].map((value) => value.toString(16).padStart(2, '0')).join('');
    const xsetroot = new ChildProcess('xsetroot', findProgram('xsetroot', 'x11-xserver-utils'),
        ['-display', display, '-solid', `#${hex}`]);
    await xsetroot.exited;
    if (xsetroot.exitCode !== 0) {
        throw new Error(`xsetroot failed (${xsetroot.exitCode}):\n${xsetroot.output}`);
    }
}

/** x11vnc prints "PORT=N" once it listens. */
async function startX11vnc(display, started) {
    const port = await freePort();
    const x11vnc = new ChildProcess('x11vnc', findProgram('x11vnc', 'x11vnc'), [
        '-display', display, '-rfbport', String(port), '-localhost', '-noipv6', '-nopw',
        '-forever', '-shared',
    ]);
    started.push(x11vnc);
    const match = await x11vnc.waitForOutput(/^PORT=(\d+)$/m, STARTUP_TIMEOUT_MS);
    if (Number(match[1]) !== port) {
        throw new Error(`x11vnc took port ${match[1]} instead of ${port}`);
    }
    return port;
}

