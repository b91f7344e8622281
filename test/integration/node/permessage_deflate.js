'use strict';
// permessage-deflate against websockify --compress (run by test_compression.py):
//   node permessage_deflate.js URL takeover|no_takeover
// 1 MiB of repetitive text and 1 MiB of seeded random bytes come back byte-exact, every
// message compressed (threshold 0); no_takeover also asks for server_ and
// client_no_context_takeover and checks that the answer grants them.
const { loadWs, deadline, randomBytes, receiveBytes, firstDifference, run } = require('./common');

const WebSocket = loadWs();
deadline(45);
const mode = process.argv[3] || 'takeover';

function openCompressed(url) {
  const perMessageDeflate = { threshold: 0, clientMaxWindowBits: true };
  if (mode === 'no_takeover') {
    perMessageDeflate.serverNoContextTakeover = true;
    perMessageDeflate.clientNoContextTakeover = true;
  }
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate });
    let answer = '';
    ws.once('upgrade', (res) => { answer = res.headers['sec-websocket-extensions'] || ''; });
    ws.once('open', () => resolve({ ws, answer }));
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`handshake refused with HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function repetitiveText(size) {
  let text = '';
  for (let i = 0; text.length < size; i++) text += `line ${i % 97}: the quick brown fox jumps\n`;
  return Buffer.from(text.slice(0, size));
}

run(async (url) => {
  const { ws, answer } = await openCompressed(url);
  console.log(`negotiated: ${answer}`);
  if (ws.extensions !== 'permessage-deflate') {
    throw new Error(`permessage-deflate not negotiated (extensions: '${ws.extensions}')`);
  }
  if (mode === 'no_takeover' &&
      !(answer.includes('server_no_context_takeover') &&
        answer.includes('client_no_context_takeover'))) {
    throw new Error(`no_context_takeover not granted: ${answer}`);
  }
  for (const payload of [repetitiveText(1 << 20), randomBytes(3, 1 << 20)]) {
    for (let round = 0; round < 2; round++) {
      const echoed = receiveBytes(ws, payload.length);
      ws.send(payload);
      const got = await echoed;
      if (!got.equals(payload)) throw new Error(firstDifference(payload, got));
      ws.removeAllListeners('message');
      ws.removeAllListeners('close');
    }
  }
  ws.close(1000);
});
