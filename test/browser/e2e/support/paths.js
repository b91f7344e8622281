/** Paths of the repository and of system programs the tests run. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository's web/ folder, which websockify --web serves. */
export const WEB_ROOT = path.resolve(HERE, '../../../../web');

/**
 * Finds a program on PATH or in the sbin folders (ctest's PATH may lack /usr/sbin).
 * @param {string} name
 * @param {string} debianPackage named in the error when it is missing
 */
export function findProgram(name, debianPackage) {
    const folders = [...(process.env.PATH || '').split(':'), '/usr/sbin', '/usr/bin', '/sbin'];
    for (const folder of folders.filter(Boolean)) {
        const candidate = path.join(folder, name);
        if (existsSync(candidate)) {
            return candidate;
        }
    }
    throw new Error(`${name} not found: install the Debian package ${debianPackage} `
        + '(scripts/install-deps.sh test does)');
}

/** Fails early with the fix when web/'s npm packages are not installed. */
export function requireWebPackages() {
    const xterm = path.join(WEB_ROOT, 'node_modules/@xterm/xterm/lib/xterm.mjs');
    if (!existsSync(xterm)) {
        throw new Error(`${xterm} is missing: run \`npm ci\` in web/`);
    }
}

/** noVNC's app (vnc.html): $NOVNC_DIR, else Debian's novnc package. */
export function novncRoot() {
    const root = process.env.NOVNC_DIR || '/usr/share/novnc';
    if (!existsSync(path.join(root, 'vnc.html'))) {
        throw new Error(`${root}/vnc.html not found: install the Debian package novnc `
            + '(scripts/install-deps.sh test does) or set NOVNC_DIR');
    }
    return root;
}
