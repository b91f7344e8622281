'use strict';
// 1 MiB of seeded random bytes in one binary message come back byte-exact.
const { loadWs, deadline, randomBytes, open, receiveBytes, firstDifference, run } = require('./common');

const WebSocket = loadWs();
deadline(30);

run(async (url) => {
  const payload = randomBytes(1, 1 << 20);
  const ws = await open(WebSocket, url);
  const echoed = receiveBytes(ws, payload.length);
  ws.send(payload);
  const got = await echoed;
  if (!got.equals(payload)) throw new Error(firstDifference(payload, got));
  ws.close(1000);
});
