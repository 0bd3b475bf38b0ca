#!/usr/bin/env node
// Echo server and scripted client built on node ws 8, with the same CLI as ../python/peer.py.
// A server prints one line "listening PORT" when it accepts connections; everything else is
// one JSON object per line on stdout, so a test can follow the peer while it runs.
'use strict';

const { parseArgs } = require('node:util');
const { WebSocket, WebSocketServer } = require('ws');

function emit(event, fields) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

function splitList(values) {
  return values.flatMap((value) => value.split(',')).filter((item) => item !== '');
}

const commonOptions = {
  deflate: { type: 'boolean' },
  'no-deflate': { type: 'boolean' },
  'no-context-takeover': { type: 'boolean' },
  'max-size': { type: 'string', default: String(100 * 1024 * 1024) },
};

const serverOptions = {
  ...commonOptions,
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '0' },
  protocols: { type: 'string', multiple: true, default: [] },
  'allow-origin': { type: 'string', multiple: true, default: [] },
  'expect-echo': { type: 'string', default: '0' },
  // NAME=VALUE: a handshake without this cookie is refused with 401 (cookie authentication, as many apps do it).
  'require-cookie': { type: 'string' },
};

const clientOptions = {
  ...commonOptions,
  protocol: { type: 'string', multiple: true, default: [] },
  origin: { type: 'string' },
  header: { type: 'string', multiple: true, default: [] },
  send: { type: 'string', multiple: true, default: [] },
  'send-binary': { type: 'string', multiple: true, default: [] },
  fragment: { type: 'string', default: '0' },
  count: { type: 'string', default: '1' },
  concurrency: { type: 'string', default: '0' },
  close: { type: 'string', default: '1000' },
};

// ws compresses nothing below 1 KiB by default; an inspector's peer should compress every
// message once deflate is negotiated, so the frames show it.
function deflateOptions(values) {
  if (!values.deflate || values['no-deflate']) return false;
  // Leave the takeover options unset unless asked: ws treats an explicit false as "refuse the
  // parameter", which would fail a legal response that adds client_no_context_takeover unasked.
  if (!values['no-context-takeover']) return { threshold: 0 };
  return { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true };
}

function runServer(values) {
  const preference = splitList(values.protocols);
  const allowedOrigins = values['allow-origin'];
  const requiredCookie = values['require-cookie'];
  const responseHeaders = new WeakMap();

  const server = new WebSocketServer({
    host: values.host,
    port: Number(values.port),
    maxPayload: Number(values['max-size']),
    perMessageDeflate: deflateOptions(values),
    handleProtocols: (offered) => preference.find((p) => offered.has(p)) ?? false,
    verifyClient: (info, accept) => {
      const cookies = (info.req.headers.cookie ?? '').split(';').map((item) => item.trim());
      if (allowedOrigins.length > 0 && !allowedOrigins.includes(info.origin)) accept(false, 403, 'Origin not allowed');
      else if (requiredCookie && !cookies.includes(requiredCookie)) accept(false, 401, 'Cookie required');
      else accept(true);
    },
  });

  server.on('headers', (headers, request) => responseHeaders.set(request, headers));
  server.on('listening', () => process.stdout.write(`listening ${server.address().port}\n`));
  server.on('connection', (socket, request) => {
    const extensionsLine = (responseHeaders.get(request) ?? [])
      .find((line) => line.toLowerCase().startsWith('sec-websocket-extensions:'));
    emit('connection', {
      path: request.url,
      origin: request.headers.origin ?? null,
      protocol: socket.protocol || null,
      extensions: extensionsLine ? extensionsLine.slice(extensionsLine.indexOf(':') + 1).trim() : null,
    });
    const expectEcho = Number(values['expect-echo']);
    if (expectEcho > 0) expectEchoes(socket, expectEcho);
    else socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('close', (code, reason) => emit('disconnect', { code, reason: reason.toString() }));
    socket.on('error', (error) => emit('socket-error', { message: error.message }));
  });
}

// Even: text with non-ASCII characters; odd: binary with every byte value; both growing.
function echoProbeMessage(index) {
  if (index % 2 === 0) return `message ${index} κόσμε ` + '*'.repeat(index * 100);
  return Buffer.from(Array.from({ length: index * 100 + 3 }, (_, k) => (index + k) % 256));
}

// The other way round: this server sends `count` messages, one at a time, and the client must echo
// each back; one "echoed" line reports it, then the server closes with 1000.
function expectEchoes(socket, count) {
  let sent = 0;
  let received = 0;
  let matched = 0;
  let expected = null;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    emit('echoed', { sent: count, received, matched, ok: matched === count });
  };
  const sendNext = () => {
    if (sent === count) {
      report();
      socket.close(1000);
      return;
    }
    expected = echoProbeMessage(sent++);
    socket.send(expected, { binary: typeof expected !== 'string' });
  };
  socket.on('message', (data, isBinary) => {
    received += 1;
    if (sameMessage(expected, data, isBinary)) matched += 1;
    sendNext();
  });
  socket.on('close', report);
  sendNext();
}

function fragments(message, size) {
  if (size <= 0 || message.length === 0) return [message];
  const pieces = [];
  for (let i = 0; i < message.length; i += size) pieces.push(message.slice(i, i + size));
  return pieces;
}

function describe(data, isBinary) {
  if (isBinary) return { type: 'binary', data: data.toString('hex'), length: data.length };
  return { type: 'text', data: data.toString(), length: data.length };
}

function sameMessage(expected, data, isBinary) {
  if (typeof expected === 'string') return !isBinary && data.toString() === expected;
  return isBinary && Buffer.compare(expected, data) === 0;
}

// One connection: open, send each message and wait for its echo, close.
// Resolves to the number of correct echoes; rejects with { status, message } on failure.
function runOneClient(values, messages, verbose) {
  const headers = {};
  for (const header of values.header) {
    const colon = header.indexOf(':');
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  const fragmentSize = Number(values.fragment);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(values._url, splitList(values.protocol), {
      origin: values.origin,
      headers,
      maxPayload: Number(values['max-size']),
      perMessageDeflate: deflateOptions(values),
    });
    let extensions = null;
    let echoed = 0;
    let next = 0;
    const sendNext = () => {
      if (next === messages.length) {
        socket.close(Number(values.close));
        return;
      }
      const message = messages[next];
      const pieces = fragments(message, fragmentSize);
      pieces.forEach((piece, i) =>
        socket.send(piece, { binary: typeof message !== 'string', fin: i === pieces.length - 1 }));
    };
    socket.on('upgrade', (response) => {
      extensions = response.headers['sec-websocket-extensions'] ?? null;
    });
    socket.on('unexpected-response', (request, response) => {
      request.destroy();
      reject({ status: response.statusCode, message: `Unexpected server response: ${response.statusCode}` });
    });
    socket.on('error', (error) => reject({ status: null, message: error.message }));
    socket.on('open', () => {
      if (verbose) emit('open', { protocol: socket.protocol || null, extensions });
      sendNext();
    });
    socket.on('message', (data, isBinary) => {
      if (sameMessage(messages[next], data, isBinary)) echoed += 1;
      if (verbose) emit('message', describe(data, isBinary));
      next += 1;
      sendNext();
    });
    socket.on('close', (code, reason) => {
      if (verbose) emit('close', { code, reason: reason.toString() });
      resolve(echoed);
    });
  });
}

async function runClients(values) {
  const messages = [...values.send, ...values['send-binary'].map((hex) => Buffer.from(hex, 'hex'))];
  const count = Number(values.count);
  const concurrency = Number(values.concurrency) || count;
  if (count === 1 && concurrency <= 1) {
    try {
      const echoed = await runOneClient(values, messages, true);
      return echoed === messages.length ? 0 : 1;
    } catch (failure) {
      emit('error', failure);
      return 1;
    }
  }

  const results = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      try {
        results.push(await runOneClient(values, messages, false));
      } catch (failure) {
        emit('error', failure);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const messagesEchoed = results.reduce((sum, echoed) => sum + echoed, 0);
  const ok = results.length === count && results.every((echoed) => echoed === messages.length);
  emit('summary', { connections: results.length, messages: messagesEchoed, ok });
  return ok ? 0 : 1;
}

function main() {
  const [role, ...rest] = process.argv.slice(2);
  if (role === 'server') {
    runServer(parseArgs({ args: rest, options: serverOptions }).values);
    return;
  }
  if (role === 'client') {
    const { values, positionals } = parseArgs({ args: rest, options: clientOptions, allowPositionals: true });
    if (positionals.length !== 1) throw new Error('client needs exactly one URL');
    runClients({ ...values, _url: positionals[0] }).then((code) => { process.exitCode = code; });
    return;
  }
  process.stderr.write('usage: peer.js server|client [options] (see tests/peers/README.md)\n');
  process.exitCode = 2;
}

main();
