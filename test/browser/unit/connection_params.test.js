import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { readConnectionParams, webSocketUrl } from '../../../web/connection_params.js';

const plainPage = { hostname: 'example.org', port: '6080', protocol: 'http:' };
const tlsPageDefaultPort = { hostname: 'example.org', port: '', protocol: 'https:' };

describe('readConnectionParams', () => {
    it('defaults to the server that served the page', () => {
        assert.deepEqual(readConnectionParams('', plainPage), {
            host: 'example.org', port: '6080', path: '', token: '', encrypt: false,
            autoconnect: false,
        });
        const tls = readConnectionParams('', tlsPageDefaultPort);
        assert.equal(tls.port, '443');
        assert.equal(tls.encrypt, true);
    });

    it('takes every field from the query', () => {
        const params = readConnectionParams(
            '?host=10.0.0.5&port=5901&path=/websockify&token=abc&encrypt=1&autoconnect=true',
            plainPage);
        assert.deepEqual(params, {
            host: '10.0.0.5', port: '5901', path: 'websockify', token: 'abc', encrypt: true,
            autoconnect: true,
        });
    });

    it('reads false flags and bracketed IPv6 hosts', () => {
        const params = readConnectionParams('host=[::1]&encrypt=0&autoconnect=no',
            tlsPageDefaultPort);
        assert.equal(params.host, '::1');
        assert.equal(params.encrypt, false);
        assert.equal(params.autoconnect, false);
    });
});

describe('webSocketUrl', () => {
    const base = { host: '127.0.0.1', port: '6080', path: '', token: '', encrypt: false };

    it('builds ws:// and wss:// URLs', () => {
        assert.equal(webSocketUrl(base), 'ws://127.0.0.1:6080/');
        assert.equal(webSocketUrl({ ...base, encrypt: true }), 'wss://127.0.0.1:6080/');
    });

    it('adds the path and the token', () => {
        assert.equal(webSocketUrl({ ...base, path: 'websockify', token: 'a b&c' }),
            'ws://127.0.0.1:6080/websockify?token=a+b%26c');
    });

    it('brackets IPv6 literals', () => {
        assert.equal(webSocketUrl({ ...base, host: '::1' }), 'ws://[::1]:6080/');
    });

    it('refuses a missing host or a bad port', () => {
        assert.throws(() => webSocketUrl({ ...base, host: '' }), /no host/);
        assert.throws(() => webSocketUrl({ ...base, port: '60a' }), /bad port/);
    });
});
