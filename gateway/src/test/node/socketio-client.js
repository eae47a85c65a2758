// The browser side: the official socket.io-client, connecting through the gateway by the sandbox's real host name.
// usage: node socketio-client.js <scenario> <url> [key=value ...]
// Prints one JSON line with what it saw and exits 0, or prints {"error": ...} and exits 1.
'use strict';
const http = require('node:http');
const dns = require('node:dns');
const crypto = require('node:crypto');
const { io } = require('socket.io-client');

const [scenario, url, ...rest] = process.argv.slice(2);
const params = Object.fromEntries(rest.map((kv) => kv.split(/=(.*)/s).slice(0, 2)));
const MIB = 1024 * 1024;

// *.sandbox.test lives on this machine: resolve it to loopback so the URL, and so the Host header of both
// the long-polling requests and the WebSocket upgrade, carries the real sandbox host name.
const lookup = (hostname, options, callback) => {
  if (!hostname.endsWith('.sandbox.test')) {
    return dns.lookup(hostname, options, callback);
  }
  if (options && options.all) {
    return callback(null, [{ address: '127.0.0.1', family: 4 }]);
  }
  return callback(null, '127.0.0.1', 4);
};
const agent = new http.Agent({ keepAlive: true, lookup });

// The first report is the only one. It exits once the line is written: process.exit() right after console.log
// may cut a piped stdout short.
let reported = false;
const report = (result, code) => {
  if (!reported) {
    reported = true;
    process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code));
  }
};
const fail = (message) => report({ error: message }, 1);
setTimeout(() => fail(`scenario '${scenario}' did not finish in time`), Number(params.timeoutMs || 90000)).unref();
// a dropped session leaves nothing to wait for: Node would exit 0 without a word
process.on('beforeExit', () => fail(`scenario '${scenario}' stopped half-way (the session ended?)`));

function connect(options) {
  const socket = io(url, { agent, forceNew: true, reconnection: false, timeout: 20000, ...options });
  const seen = { disconnects: [], pings: 0, transports: [] };
  socket.on('connect_error', (err) => fail(`connect_error: ${err.message} ${err.description ?? ''}`));
  socket.on('disconnect', (reason) => {
    seen.disconnects.push(reason);
    if (reason !== 'io client disconnect') {
      fail(`disconnected: ${reason}`);
    }
  });
  socket.io.on('ping', () => seen.pings++);
  const hello = new Promise((resolve) => socket.once('hello', resolve));
  const connected = new Promise((resolve) => socket.once('connect', () => {
    seen.transports.push(socket.io.engine.transport.name);
    socket.io.engine.on('upgrade', (t) => seen.transports.push(t.name));
    resolve();
  }));
  return { socket, seen, hello, connected };
}

function upgraded(socket) {
  return new Promise((resolve) => {
    if (socket.io.engine.transport.name === 'websocket') {
      return resolve();
    }
    socket.io.engine.once('upgrade', () => resolve());
  });
}

// Sends `count` events at once; every 100th carries a 1 MiB binary attachment. All must come back in order, intact.
function echo(socket, count) {
  const sent = [];
  for (let seq = 0; seq < count; seq++) {
    const data = crypto.randomBytes(seq % 100 === 99 ? MIB : 16);
    sent.push(data);
  }
  return new Promise((resolve) => {
    let next = 0;
    let binaryBytes = 0;
    socket.on('echo', (message) => {
      if (message.seq !== next) {
        fail(`event ${message.seq} arrived when ${next} was due`);
      }
      const data = Buffer.from(message.data);
      if (!data.equals(sent[next])) {
        fail(`event ${next}: ${data.length} bytes came back, not the ${sent[next].length} sent`);
      }
      binaryBytes += data.length;
      if (++next === count) {
        resolve({ events: next, binaryBytes });
      }
    });
    sent.forEach((data, seq) => socket.emit('echo', { seq, data }));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const count = Number(params.events || 1000);
  switch (scenario) {
    case 'default-transports':
    case 'polling-only': {
      const pollingOnly = scenario === 'polling-only';
      const c = connect(pollingOnly ? { transports: ['polling'] } : {});
      await c.connected;
      const hello = await c.hello;
      if (!pollingOnly) {
        await upgraded(c.socket);
      }
      const result = await echo(c.socket, count);
      return { ...result, hello, transports: c.seen.transports, final: c.socket.io.engine.transport.name,
        disconnects: c.seen.disconnects };
    }
    case 'polling-idle': {
      // nothing to send: each GET poll is held open by the server until its next ping
      const c = connect({ transports: ['polling'] });
      await c.connected;
      const hello = await c.hello;
      const id = c.socket.id;
      await sleep(Number(params.idleMs));
      const result = await echo(c.socket, 10);
      return { ...result, hello, pings: c.seen.pings, sameId: c.socket.id === id, connected: c.socket.connected,
        transports: c.seen.transports, final: c.socket.io.engine.transport.name, disconnects: c.seen.disconnects };
    }
    case 'query-auth': {
      // transports=websocket,polling is what cmux's main client asks for: the token rides on the upgrade request
      const transports = params.transports ? params.transports.split(',') : undefined;
      const c = connect({ query: { auth: params.auth, team: params.team }, ...(transports && { transports }) });
      await c.connected;
      const hello = await c.hello;
      await upgraded(c.socket);
      const result = await echo(c.socket, 10);
      return { ...result, hello, transports: c.seen.transports, final: c.socket.io.engine.transport.name,
        disconnects: c.seen.disconnects };
    }
    default:
      return fail(`unknown scenario '${scenario}'`);
  }
}

main().then((result) => report(result, 0), (err) => fail(String(err && err.stack || err)));
