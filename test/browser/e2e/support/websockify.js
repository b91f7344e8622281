/** The websockify binary under test, from $WEBSOCKIFY_BIN (CMake sets it). */
import { existsSync } from 'node:fs';

import { ChildProcess } from './processes.js';
import { waitForPort } from './ports.js';

const STARTUP_TIMEOUT_MS = 10000;
// "  - Listen on 127.0.0.1:P" in websockify's startup block.
const LISTEN_LINE = /Listen on (?:\[[^\]]*\]|[^\s:"]*):(\d+)(?!\d)/;

export function websockifyBinary() {
    const binary = process.env.WEBSOCKIFY_BIN;
    if (!binary || !existsSync(binary)) {
        throw new Error(`WEBSOCKIFY_BIN must name the built binary (got '${binary ?? ''}')`);
    }
    return binary;
}

/**
 * Starts websockify and waits for its "Listen on" line and for the port to accept.
 * @param {string[]} args the whole command line after the binary
 * @returns {Promise<{process: ChildProcess, port: number}>}
 */
export async function startWebsockify(args) {
    const child = new ChildProcess('websockify', websockifyBinary(), args);
    const match = await child.waitForOutput(LISTEN_LINE, STARTUP_TIMEOUT_MS);
    const port = Number(match[1]);
    await waitForPort(port, STARTUP_TIMEOUT_MS);
    return { process: child, port };
}
