/**
 * The wstelnet page: an xterm.js terminal, a Websock to websockify, and the telnet protocol
 * (telnet.js) between them.
 *
 * @module wstelnet
 */

import { Terminal } from './node_modules/@xterm/xterm/lib/xterm.mjs';
import { fillConnectionForm, readConnectionForm, showStatus } from './connection_form.js';
import { webSocketUrl } from './connection_params.js';
import { TelnetSession } from './telnet.js';
import { Websock } from './websock.js';

const COLUMNS = 80;
const ROWS = 24;

const form = document.getElementById('connection');
const terminal = new Terminal({ cols: COLUMNS, rows: ROWS, convertEol: false });
terminal.open(document.getElementById('terminal'));

const encoder = new TextEncoder();
let websock = null;
let telnet = null;

function connect(params) {
    disconnect();
    let url;
    try {
        url = webSocketUrl(params);
    } catch (error) {
        showStatus('disconnected', error.message);
        return;
    }
    telnet = new TelnetSession({ columns: terminal.cols, rows: terminal.rows });
    websock = new Websock();
    const socket = websock;
    socket.on('open', ({ protocol }) => {
        showStatus('connected', `${url} (${protocol || 'no subprotocol'})`);
        terminal.focus();
    });
    socket.on('message', () => {
        const { data, reply } = telnet.receive(socket.rQshiftBytes());
        if (reply.length > 0) {
            socket.send(reply);
        }
        terminal.write(data); // xterm decodes UTF-8 from bytes itself
    });
    socket.on('close', ({ code, reason }) => {
        if (socket === websock) {
            websock = null;
            setButtons(false);
        }
        showStatus('disconnected', `code ${code}${reason ? ` ${reason}` : ''}`);
        terminal.write('\r\n[connection closed]\r\n');
    });
    terminal.reset();
    showStatus('connecting', url);
    setButtons(true);
    socket.open(url);
}

function disconnect() {
    if (websock) {
        websock.close();
    }
}

function setButtons(connected) {
    form.elements.connect.disabled = connected;
    form.elements.disconnect.disabled = !connected;
}

terminal.onData((text) => {
    if (!websock || !websock.isOpen) {
        return;
    }
    const bytes = encoder.encode(text);
    if (!telnet.serverEchoes) {
        // Before the server takes over echoing (it normally does at once), the NVT default is
        // local echo, so the user sees what they type.
        terminal.write(text.replace(/\r/g, '\r\n'));
    }
    websock.send(telnet.encodeInput(bytes));
});

terminal.onResize(({ cols, rows }) => {
    if (websock && websock.isOpen) {
        const report = telnet.resize(cols, rows);
        if (report.length > 0) {
            websock.send(report);
        }
    }
});

form.addEventListener('submit', (event) => {
    event.preventDefault();
    connect(readConnectionForm(form));
});
form.elements.disconnect.addEventListener('click', disconnect);

const initial = fillConnectionForm(form);
if (initial.autoconnect) {
    connect(initial);
}
