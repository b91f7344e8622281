/**
 * The wsirc page: a Websock to websockify, IRC lines (irc.js) and the client's behaviour
 * (irc_session.js), shown as a log.
 *
 * @module wsirc
 */

import { fillConnectionForm, readConnectionForm, showStatus } from './connection_form.js';
import { webSocketUrl } from './connection_params.js';
import { LineBuffer, encodeLine, parseLine } from './irc.js';
import { IrcSession } from './irc_session.js';
import { Websock } from './websock.js';

const form = document.getElementById('connection');
const sayForm = document.getElementById('say');
const log = document.getElementById('log');

let websock = null;
let session = null;

/** Appends a line to the log; `kind` styles it ('received', 'sent' or 'problem'). */
function show(text, kind = 'received') {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = text;
    log.append(item);
    item.scrollIntoView({ block: 'end' });
}

function sendLines(lines) {
    for (const line of lines) {
        websock.send(encodeLine(line));
    }
}

function connect(params, nick, channel) {
    disconnect();
    let url;
    try {
        url = webSocketUrl(params);
        if (!nick) {
            throw new Error('no nick given');
        }
    } catch (error) {
        showStatus('disconnected', error.message);
        return;
    }
    session = new IrcSession({ nick, channel });
    const lines = new LineBuffer();
    websock = new Websock();
    const socket = websock;
    socket.on('open', ({ protocol }) => {
        showStatus('connected', `${url} (${protocol || 'no subprotocol'})`);
        sendLines(session.start());
    });
    socket.on('message', () => {
        for (const line of lines.push(socket.rQshiftBytes())) {
            let message;
            try {
                message = parseLine(line);
            } catch (error) {
                show(error.message, 'problem');
                continue;
            }
            const { send, show: text } = session.handle(message);
            sendLines(send);
            if (text !== null) {
                show(text);
            }
        }
    });
    socket.on('close', ({ code, reason }) => {
        if (socket === websock) {
            websock = null;
            setButtons(false);
        }
        showStatus('disconnected', `code ${code}${reason ? ` ${reason}` : ''}`);
    });
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

form.addEventListener('submit', (event) => {
    event.preventDefault();
    connect(readConnectionForm(form), form.elements.nick.value.trim(),
        form.elements.channel.value.trim());
});
form.elements.disconnect.addEventListener('click', disconnect);

sayForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = sayForm.elements.text;
    if (!input.value || !websock || !websock.isOpen) {
        return;
    }
    try {
        const { send, show: text } = session.input(input.value);
        sendLines(send);
        if (text !== null) {
            show(text, 'sent');
        }
        input.value = '';
    } catch (error) {
        show(error.message, 'problem');
    }
});

const initial = fillConnectionForm(form);
const query = new URLSearchParams(window.location.search);
form.elements.nick.value = query.get('nick') || `guest${Math.floor(Math.random() * 10000)}`;
form.elements.channel.value = query.get('channel') || '#websockify';
if (initial.autoconnect) {
    connect(initial, form.elements.nick.value, form.elements.channel.value);
}
