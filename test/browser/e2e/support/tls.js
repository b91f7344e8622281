/** A throw-away self-signed certificate for wss:// tests, made with the openssl command. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * @returns {{cert: string, key: string, remove: () => void}} PEM file paths
 */
export function makeSelfSignedCertificate() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'browser-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', key, '-out', cert], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30000 });
    return { cert, key, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
