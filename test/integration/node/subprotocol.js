'use strict';
// Offering ["base64", "binary"] selects binary; offering only base64 selects it, and bytes
// then travel base64-coded in text frames both ways.
const { loadWs, deadline, randomBytes, open, run } = require('./common');

const WebSocket = loadWs();
deadline(20);

// Names the offer in the error: a refusal alone would not say which handshake failed.
async function negotiate(url, offer) {
  try {
    return await open(WebSocket, url, offer);
  } catch (err) {
    throw new Error(`offering ${offer.join(', ')}: ${err.message}`);
  }
}

async function binaryPreferred(url) {
  const ws = await negotiate(url, ['base64', 'binary']);
  if (ws.protocol !== 'binary') throw new Error(`offered base64, binary: got '${ws.protocol}'`);
  ws.close(1000);
}

async function base64RoundTrip(url) {
  const ws = await negotiate(url, ['base64']);
  if (ws.protocol !== 'base64') throw new Error(`offered base64: got '${ws.protocol}'`);
  const payload = randomBytes(3, 10000);
  const decoded = await new Promise((resolve, reject) => {
    const parts = [];
    let total = 0;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return reject(new Error('got a binary frame in base64 mode'));
      const bytes = Buffer.from(data.toString(), 'base64');
      parts.push(bytes);
      total += bytes.length;
      if (total >= payload.length) resolve(Buffer.concat(parts));
    });
    ws.once('close', (code, reason) => reject(new Error(`closed: ${code} ${reason}`)));
    ws.send(payload.toString('base64'));
  });
  if (!decoded.equals(payload)) throw new Error('base64 echo differs from what was sent');
  ws.close(1000);
}

run(async (url) => {
  await binaryPreferred(url);
  await base64RoundTrip(url);
});
