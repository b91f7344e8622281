/**
 * Child processes for the end-to-end tests: started in their own process group, their output
 * kept line by line so that readiness is a line to wait for, and stopped as a group at the end.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const STOP_GRACE_MS = 5000;

/** Every process started and not yet stopped, so that a failing test still cleans up. */
const running = new Set();
/** Every process started, for the logs a failure message carries. */
const started = [];
const LOG_LINES_ON_FAILURE = 300; // enough for a sanitizer report

export class ChildProcess {
    /**
     * @param {string} name for messages
     * @param {string} command
     * @param {string[]} args
     * @param {object} [options] extra spawn options (env, stdio for extra fds)
     */
    constructor(name, command, args, options = {}) {
        this.name = name;
        this.commandLine = [command, ...args].join(' ');
        this.output = '';
        this.exitCode = undefined;
        this._waiters = new Set();
        // detached: a new process group, so stop() also reaches what the child starts.
        this.child = spawn(command, args, {
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
            ...options,
        });
        this.exited = once(this.child, 'exit').then(([code, signal]) => {
            this.exitCode = code ?? `signal ${signal}`;
            this._notify();
        });
        this.child.on('error', (error) => {
            this.output += `\n[${name}: ${error.message}]\n`;
            this.exitCode = this.exitCode ?? 'spawn failed';
            this._notify();
        });
        for (const stream of [this.child.stdout, this.child.stderr]) {
            stream.setEncoding('utf8');
            stream.on('data', (text) => {
                this.output += text;
                this._notify();
            });
        }
        running.add(this);
        started.push(this);
    }

    get pid() {
        return this.child.pid;
    }

    get alive() {
        return this.exitCode === undefined;
    }

    _notify() {
        for (const check of [...this._waiters]) {
            check();
        }
    }

    /**
     * Waits until the output (stdout and stderr) matches `pattern`.
     * @param {RegExp} pattern
     * @param {number} timeoutMs
     * @returns {Promise<RegExpMatchArray>}
     */
    waitForOutput(pattern, timeoutMs) {
        return new Promise((resolve, reject) => {
            const finish = (fn, value) => {
                clearTimeout(timer);
                this._waiters.delete(check);
                fn(value);
            };
            const check = () => {
                const match = this.output.match(pattern);
                if (match) {
                    finish(resolve, match);
                } else if (!this.alive) {
                    finish(reject, new Error(
                        `${this.name} exited (${this.exitCode}) before printing ${pattern}\n`
                        + `  command: ${this.commandLine}\n${indent(this.output)}`));
                }
            };
            const timer = setTimeout(() => finish(reject, new Error(
                `${this.name} printed no ${pattern} within ${timeoutMs} ms\n`
                + `  command: ${this.commandLine}\n${indent(this.output)}`)), timeoutMs);
            this._waiters.add(check);
            check();
        });
    }

    /** SIGTERM to the process group, SIGKILL after a grace period. */
    async stop() {
        running.delete(this);
        if (this.alive) {
            signalGroup(this.pid, 'SIGTERM');
            const graceOver = new Promise((resolve) => {
                setTimeout(resolve, STOP_GRACE_MS).unref();
            });
            await Promise.race([this.exited, graceOver]);
        }
        // Also ends children that outlived the leader (a respawned program, say).
        signalGroup(this.pid, 'SIGKILL');
        if (this.alive) {
            await this.exited;
        }
    }
}

function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
    } catch (error) {
        if (error.code !== 'ESRCH') {
            throw error;
        }
    }
}

/** Stops every process still running; call from after(). */
export async function stopAll() {
    await Promise.all([...running].map((child) => child.stop()));
}

/**
 * Runs a test body; if it fails, prints the end of every started process's output first (a
 * crash in websockify or a server explains most browser-side timeouts).
 * @template T
 * @param {() => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withProcessLogs(body) {
    try {
        return await body();
    } catch (error) {
        for (const child of started) {
            const lines = child.output.trimEnd().split('\n').slice(-LOG_LINES_ON_FAILURE);
            const state = child.alive ? 'running' : `exited: ${child.exitCode}`;
            console.error(`--- ${child.name} (${state}): ${child.commandLine}\n`
                + `${indent(lines.join('\n'))}`);
        }
        throw error;
    }
}

export function indent(text) {
    return text.split('\n').map((line) => `    ${line}`).join('\n');
}
