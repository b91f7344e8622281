'use strict';
// A ping's payload comes back in the pong.
const { loadWs, deadline, randomBytes, open, run } = require('./common');

const WebSocket = loadWs();
deadline(15);

run(async (url) => {
  const payload = Buffer.concat([Buffer.from('node ping '), randomBytes(2, 100)]);
  const ws = await open(WebSocket, url);
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping(payload);
  const got = await pong;
  if (!got.equals(payload)) {
    throw new Error(`pong payload ${got.toString('hex')} differs from ping ${payload.toString('hex')}`);
  }
  ws.close(1000);
});
