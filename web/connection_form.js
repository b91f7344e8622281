/**
 * The connection form both pages share: host, port, path, token and an encrypt checkbox,
 * filled from the URL query and read back on submit. DOM glue only; the rules are in
 * connection_params.js.
 *
 * @module connection_form
 */

import { readConnectionParams } from './connection_params.js';

const TEXT_FIELDS = ['host', 'port', 'path', 'token'];

/**
 * Fills the form from the page's URL.
 * @param {HTMLFormElement} form
 * @returns {import('./connection_params.js').ConnectionParams} what the URL asked for
 */
export function fillConnectionForm(form) {
    const params = readConnectionParams(window.location.search, window.location);
    for (const name of TEXT_FIELDS) {
        form.elements[name].value = params[name];
    }
    form.elements.encrypt.checked = params.encrypt;
    return params;
}

/**
 * @param {HTMLFormElement} form
 * @returns {import('./connection_params.js').ConnectionParams}
 */
export function readConnectionForm(form) {
    const params = { autoconnect: false, encrypt: form.elements.encrypt.checked };
    for (const name of TEXT_FIELDS) {
        params[name] = form.elements[name].value.trim();
    }
    return params;
}

/**
 * Shows the connection state to the user (and to the end-to-end tests, which read it).
 * @param {string} state 'connecting', 'connected' or 'disconnected'
 * @param {string} [detail]
 */
export function showStatus(state, detail = '') {
    const status = document.getElementById('status');
    status.dataset.state = state;
    status.textContent = detail ? `${state}: ${detail}` : state;
}
