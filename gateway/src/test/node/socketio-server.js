// The sandbox side: a Socket.IO server with the options cmux's worker uses, on a free loopback port.
// Prints one JSON line {"listening": <port>} when ready; every event goes back to its sender unchanged.
'use strict';
const http = require('node:http');
const { Server } = require('socket.io');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const httpServer = http.createServer();
const io = new Server(httpServer, {
  cors: { origin: '*' },
  pingInterval: arg('ping-interval', 30000),
  pingTimeout: arg('ping-timeout', 240000),
  upgradeTimeout: 30000,
  maxHttpBufferSize: 50e6,
});

io.on('connection', (socket) => {
  // what arrived in the handshake, so the client can check that the gateway passed it on
  socket.emit('hello', {
    auth: socket.handshake.query.auth ?? null,
    team: socket.handshake.query.team ?? null,
    host: socket.handshake.headers.host,
    transport: socket.conn.transport.name,
  });
  socket.on('echo', (message) => socket.emit('echo', message));
});

httpServer.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: httpServer.address().port }));
});

const stop = () => io.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
