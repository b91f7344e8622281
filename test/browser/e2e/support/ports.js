/** Loopback ports for the end-to-end tests. */
import net from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago, for programs that cannot report the port
 * they got for 0 (telnetd, ngircd, x11vnc). websockify itself is started on port 0.
 * @returns {Promise<number>}
 */
export function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/**
 * Resolves once a TCP connection to 127.0.0.1:port succeeds; polls because the programs
 * started here announce readiness in different ways or not at all.
 * @param {number} port
 * @param {number} timeoutMs
 */
export async function waitForPort(port, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            await connectOnce(port);
            return;
        } catch (error) {
            if (Date.now() > deadline) {
                throw new Error(
                    `127.0.0.1:${port} not accepting after ${timeoutMs} ms: ${error.message}`);
            }
            await new Promise((resolve) => { setTimeout(resolve, 50); }); // poll interval
        }
    }
}

function connectOnce(port) {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
            socket.destroy();
            resolve();
        });
        socket.once('error', reject);
    });
}
