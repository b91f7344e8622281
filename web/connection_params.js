/**
 * Where a page connects to: host, port, path, token and encryption, read from the page's URL
 * query, defaulting to the server that served the page (websockify --web serves pages and
 * WebSocket upgrades on the same port).
 *
 * @module connection_params
 */

/**
 * @typedef {object} ConnectionParams
 * @property {string} host name or address; IPv6 without brackets
 * @property {string} port
 * @property {string} path request path without the leading '/'
 * @property {string} token websockify's target token ('' for none)
 * @property {boolean} encrypt wss:// rather than ws://
 * @property {boolean} autoconnect connect at once instead of waiting for the form
 */

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);

/**
 * @param {string} search the query string (`location.search`), with or without '?'
 * @param {{hostname: string, port: string, protocol: string}} pageLocation where the page
 *   came from (`location`)
 * @returns {ConnectionParams}
 */
export function readConnectionParams(search, pageLocation) {
    const query = new URLSearchParams(search);
    const pageEncrypted = pageLocation.protocol === 'https:';
    const defaultPort = pageLocation.port || (pageEncrypted ? '443' : '80');
    const flag = (name, fallback) => (query.has(name)
        ? TRUE_WORDS.has(query.get(name).toLowerCase())
        : fallback);
    return {
        host: (query.get('host') || pageLocation.hostname).replace(/^\[(.*)\]$/, '$1'),
        port: query.get('port') || defaultPort,
        path: (query.get('path') || '').replace(/^\/+/, ''),
        token: query.get('token') || '',
        encrypt: flag('encrypt', pageEncrypted),
        autoconnect: flag('autoconnect', false),
    };
}

/**
 * The WebSocket URL for the parameters; the token goes in the query, where websockify's token
 * plugins look for it.
 * @param {ConnectionParams} params
 * @returns {string}
 * @throws {Error} when host or port is missing or the port is not a number
 */
export function webSocketUrl({ host, port, path, token, encrypt }) {
    if (!host) {
        throw new Error('no host given');
    }
    if (!/^\d{1,5}$/.test(String(port))) {
        throw new Error(`bad port '${port}'`);
    }
    const hostPart = host.includes(':') ? `[${host}]` : host; // an IPv6 literal
    const url = new URL(`${encrypt ? 'wss' : 'ws'}://${hostPart}:${port}/`);
    url.pathname = `/${path || ''}`;
    if (token) {
        url.searchParams.set('token', token);
    }
    return url.href;
}
