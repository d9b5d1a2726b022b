// node fastly_host.mjs SERVICE.wasm URL: runs a js-compute service's _start (wizer.resume after
// pre-initialization) against a minimal host that hands it one GET request for URL and prints the response
// as JSON {status, headers, body}. Only the calls a simple fetch handler makes are served; any other
// host call is reported and fails, so a service that needs more shows here instead of misbehaving.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, url] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['service'], env: {}, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(file));
let instance;
const kOk = 0, kError = 1, kUnsupported = 5;
const view = () => new DataView(instance.exports.memory.buffer);
const bytes = (ptr, len) => Buffer.from(new Uint8Array(instance.exports.memory.buffer, ptr, len));
const text = (ptr, len) => bytes(ptr, len).toString('utf8');
const setU32 = (ptr, value) => view().setUint32(ptr, value, true);
function putString(value, ptr, capacity, lengthOut) {
  const data = Buffer.from(value);
  if (data.length > capacity) return 4;  // buffer too small: the guest retries with a larger one
  new Uint8Array(instance.exports.memory.buffer, ptr, data.length).set(data);
  setU32(lengthOut, data.length);
  return kOk;
}

let nextHandle = 1;
const bodies = new Map();
const response = { status: 0, headers: {}, body: null, sent: false };
const host = {
  fastly_http_req: {
    body_downstream_get(requestOut, bodyOut) {
      setU32(requestOut, nextHandle++);
      const body = nextHandle++;
      bodies.set(body, []);
      setU32(bodyOut, body);
      return kOk;
    },
    method_get: (request, ptr, capacity, lengthOut) => putString('GET', ptr, capacity, lengthOut),
    uri_get: (request, ptr, capacity, lengthOut) => putString(url, ptr, capacity, lengthOut),
  },
  fastly_http_resp: {
    new(responseOut) { setU32(responseOut, nextHandle++); return kOk; },
    status_set(handle, status) { response.status = status; return kOk; },
    status_get(handle, statusOut) { view().setUint16(statusOut, response.status, true); return kOk; },
    header_insert(handle, name, nameLength, value, valueLength) {
      response.headers[text(name, nameLength)] = text(value, valueLength);
      return kOk;
    },
    send_downstream(handle, body) {
      response.body = Buffer.concat(bodies.get(body) ?? []).toString('utf8');
      response.sent = true;
      return kOk;
    },
  },
  fastly_http_body: {
    new(bodyOut) {
      const body = nextHandle++;
      bodies.set(body, []);
      setU32(bodyOut, body);
      return kOk;
    },
    write(body, ptr, length, end, writtenOut) {
      if (!bodies.has(body)) return kError;
      bodies.get(body).push(bytes(ptr, length));
      setU32(writtenOut, length);
      return kOk;
    },
  },
};

const unserved = [];
const imports = { wasi_snapshot_preview1: wasi.wasiImport };
for (const { module: name, name: field, kind } of WebAssembly.Module.imports(module)) {
  if (name === 'wasi_snapshot_preview1' || kind !== 'function') continue;
  imports[name] ??= {};
  imports[name][field] = host[name]?.[field] ?? (() => {
    unserved.push(`${name}.${field}`);
    return kUnsupported;
  });
}
instance = new WebAssembly.Instance(module, imports);
let exitCode;
try {
  exitCode = wasi.start(instance);
} catch (error) {
  console.log(JSON.stringify({ trap: String(error), unserved }));
  process.exit(1);
}
console.log(JSON.stringify({ exitCode, ...response, unserved }));
process.exitCode = exitCode === 0 && response.sent ? 0 : 1;
