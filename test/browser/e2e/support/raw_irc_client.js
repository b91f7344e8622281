/**
 * A second IRC client on a plain TCP socket, written independently of web/irc.js so that it
 * checks the page rather than sharing its mistakes. Lines are matched with regular expressions.
 */
import net from 'node:net';

export class RawIrcClient {
    /**
     * Connects and registers (answering the server's authentication PING).
     * @param {number} port
     * @param {string} nick
     * @returns {Promise<RawIrcClient>}
     */
    static async register(port, nick) {
        const client = new RawIrcClient(port);
        await client.connected;
        client.send(`NICK ${nick}`);
        client.send(`USER ${nick} 0 * :raw test client`);
        await client.waitForLine(new RegExp(`^:\\S+ 001 ${nick} `), 10000);
        return client;
    }

    constructor(port) {
        this.lines = [];
        this._pending = '';
        this._waiters = new Set();
        this._socket = net.connect(port, '127.0.0.1');
        this._socket.setEncoding('utf8');
        this.connected = new Promise((resolve, reject) => {
            this._socket.once('connect', resolve);
            this._socket.once('error', reject);
        });
        this._socket.on('data', (text) => this._receive(text));
    }

    _receive(text) {
        const pieces = (this._pending + text).split('\r\n');
        this._pending = pieces.pop();
        for (const line of pieces) {
            const ping = /^PING (.*)$/.exec(line);
            if (ping) {
                this.send(`PONG ${ping[1]}`);
            }
            this.lines.push(line);
        }
        for (const check of [...this._waiters]) {
            check();
        }
    }

    send(line) {
        this._socket.write(`${line}\r\n`);
    }

    /**
     * The first line received so far or later that matches.
     * @param {RegExp} pattern
     * @param {number} timeoutMs
     * @returns {Promise<string>}
     */
    waitForLine(pattern, timeoutMs) {
        return new Promise((resolve, reject) => {
            const check = () => {
                const line = this.lines.find((candidate) => pattern.test(candidate));
                if (line !== undefined) {
                    clearTimeout(timer);
                    this._waiters.delete(check);
                    resolve(line);
                }
            };
            const timer = setTimeout(() => {
                this._waiters.delete(check);
                reject(new Error(`no IRC line matching ${pattern} within ${timeoutMs} ms; got:\n`
                    + `${this.lines.map((line) => `    ${line}`).join('\n')}`));
            }, timeoutMs);
            this._waiters.add(check);
            check();
        });
    }

    close() {
        this._socket.destroy();
    }
}
