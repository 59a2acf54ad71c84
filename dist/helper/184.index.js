export const id = 184;
export const ids = [184];
export const modules = {

/***/ 5242:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pq: () => (/* binding */ setSecret),
/* harmony export */   Yz: () => (/* binding */ debug),
/* harmony export */   pq: () => (/* binding */ info)
/* harmony export */ });
/* unused harmony exports getInput, getState, setOutput, saveState, exportVariable, addPath, warning, error, setFailed, group, appendSummary */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
// The runner's workflow-command and file-command protocol (see docs/runner-contract.md).
// We speak it directly instead of using @actions/core: core imports @actions/http-client and undici
// (~480 KB bundled), which would put an HTTP client into the post bundle and slow every start.




function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function command(name, message) {
    process.stdout.write(`::${name}::${escapeData(message)}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`);
}
/** `with:` values arrive as INPUT_<NAME>, upper-cased, spaces turned into `_`; the whole value trimmed. */
function getInput(name, env = process.env) {
    return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
function getState(name, env = process.env) {
    return env[`STATE_${name}`] ?? '';
}
/** Every runner that runs node24 actions has the file commands: without the file there is no runner. */
function fileCommand(fileVar, name, value) {
    const file = process.env[fileVar];
    if (!file)
        throw new Error(`${fileVar} is not set: run this action on a GitHub Actions runner`);
    const delimiter = `ghadelimiter_${randomUUID()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error(`refusing to write ${name}: the value contains the delimiter`);
    }
    appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}
function setOutput(name, value) {
    fileCommand('GITHUB_OUTPUT', name, value);
}
function saveState(name, value) {
    fileCommand('GITHUB_STATE', name, value);
}
/** Exports a variable to later steps (and to our own post step) and to this process. */
function exportVariable(name, value) {
    fileCommand('GITHUB_ENV', name, value);
    process.env[name] = value;
}
/** Puts `dir` first on PATH for later steps (a GITHUB_PATH line) and for this process. */
function addPath(dir) {
    if (/[\r\n]/.test(dir))
        throw new Error(`refusing to add ${JSON.stringify(dir)} to PATH: it has a line break`);
    const file = process.env.GITHUB_PATH;
    if (!file)
        throw new Error('GITHUB_PATH is not set: run this action on a GitHub Actions runner');
    appendFileSync(file, `${dir}${EOL}`, 'utf8');
    process.env.PATH = `${dir}${delimiter}${process.env.PATH ?? ''}`;
}
/** Registers a mask: the runner replaces `value` with *** in every log line printed after this one. */
function setSecret(value) {
    if (value)
        command('add-mask', value);
}
function debug(message) {
    command('debug', message);
}
/**
 * A plain log line. The runner reads any line whose trimmed text starts with `::` (or the legacy `##[`) as a
 * command, so the text is kept to one line (`%`, CR and LF escaped as in command data) and such a start is
 * escaped too: outside text (a host, docker's words) can never forge a command.
 */
function info(message) {
    const line = escapeData(message).replace(/^(\s*)(::|##\[)/, (_, space, start) => space + encodeURIComponent(start));
    process.stdout.write(line + node_os__WEBPACK_IMPORTED_MODULE_2__.EOL);
}
function warning(message) {
    command('warning', message);
}
function error(message) {
    command('error', message);
}
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
async function group(title, body) {
    command('group', title);
    try {
        return await body();
    }
    finally {
        command('endgroup', '');
    }
}
/** Appends Markdown to the job summary; a runner without a summary file simply gets none. */
function appendSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file)
        appendFileSync(file, markdown + EOL, 'utf8');
}


/***/ }),

/***/ 3184:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  renew: () => (/* binding */ renew)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/action/runner.ts
var runner = __webpack_require__(5242);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/docker/process-owner.ts
// Who made a lock or a temp file: a process id means something only on the machine, and in the pid
// namespace (containers), where it was taken, so the owner is recorded with both.



function pidNamespace() {
    try {
        return (0,external_node_fs_.readlinkSync)('/proc/self/ns/pid');
    }
    catch {
        return ''; // not Linux: the host name alone
    }
}
/** This machine and pid namespace, as an 8-hex-digit tag (short enough for a file name). */
const machineTag = () => (0,external_node_crypto_.createHash)('sha256').update(`${(0,external_node_os_.hostname)()}\n${pidNamespace()}`).digest('hex').slice(0, 8);
/** Whether `pid` on this machine is a live process (a zombie, dead but not yet reaped, is gone). */
function isRunning(pid) {
    if (!Number.isSafeInteger(pid) || pid <= 0)
        return true; // not a process id we can judge: assume alive
    try {
        process.kill(pid, 0);
    }
    catch (e) {
        return e.code === 'EPERM'; // someone else's live process
    }
    try {
        const stat = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    }
    catch {
        return true; // no /proc: trust kill(0)
    }
}
/** Whether a process recorded as `pid` on the machine `tag` is known to be gone. */
const ownerGone = (pid, tag) => tag === machineTag() && !isRunning(pid);

;// CONCATENATED MODULE: ./src/docker/config-lock.ts
// A lock beside the docker config, held only while one read-change-write of the file runs (never across
// network I/O or a child process), so concurrent jobs on one HOME never lose each other's entries. Created
// exclusively; it names its holder, and is broken only when that holder is gone (same machine, process
// dead) or the lock is older than `staleMs` (a live holder keeps it fresh).






const LOCK_DEFAULTS = {
    staleMs: 30_000,
    timeoutMs: 60_000,
    pollMs: 25,
    onWait: (message) => runner/* info */.pq(message),
};
/** The stale age may be lowered through ECR_LOGIN_LOCK_STALE_MS, so tests need not wait 30 s for a lock to age. */
function lockOptions(env = process.env) {
    const raw = env.ECR_LOGIN_LOCK_STALE_MS;
    if (raw === undefined || raw === '')
        return LOCK_DEFAULTS;
    if (!/^[1-9]\d{0,8}$/.test(raw))
        throw new Error(`ECR_LOGIN_LOCK_STALE_MS must be a whole number of milliseconds, not "${raw}"`);
    return { ...LOCK_DEFAULTS, staleMs: Number(raw) };
}
function lockFile(dir) {
    return (0,external_node_path_.join)(dir, 'config.json.lock');
}
function holderOf(text) {
    try {
        const h = JSON.parse(text);
        if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.machine === 'string')
            return { pid: h.pid, host: h.host, machine: h.machine };
    }
    catch {
        // an older version's lock, or one whose holder has not written its name yet: judged by age alone
    }
    return undefined;
}
const describeHolder = (h) => h ? `process ${h.pid} on host ${h.host}` : 'a process that did not name itself';
async function withConfigLock(dir, body, options = {}) {
    const opts = { ...lockOptions(), ...options };
    const path = lockFile(dir);
    const deadline = Date.now() + opts.timeoutMs;
    // Unique per acquisition (inode numbers are reused at once on ext4, so they cannot tell who holds it).
    const token = `${JSON.stringify({
        pid: process.pid,
        host: (0,external_node_os_.hostname)(),
        machine: machineTag(),
        token: (0,external_node_crypto_.randomBytes)(8).toString('hex'),
    })}\n`;
    let told = false;
    for (;;) {
        try {
            const handle = await (0,promises_.open)(path, 'wx', 0o600);
            await handle.writeFile(token);
            await handle.close();
            break;
        }
        catch (e) {
            if (e.code !== 'EEXIST')
                throw e;
        }
        const seen = await (0,promises_.readFile)(path, 'utf8').catch(released);
        const age = await (0,promises_.stat)(path).then((s) => Date.now() - s.mtimeMs, released);
        if (seen === undefined || age === undefined)
            continue;
        const holder = holderOf(seen);
        if ((holder && ownerGone(holder.pid, holder.machine)) || age > opts.staleMs) {
            await breakStale(path, seen);
            continue;
        }
        if (!told) {
            told = true;
            opts.onWait(`Waiting for ${path}: ${describeHolder(holder)} is updating the docker config.`);
        }
        if (Date.now() > deadline) {
            const why = holder
                ? 'which is still running and keeps the lock fresh'
                : `such a lock is broken when it is ${opts.staleMs / 1000}s old`;
            throw new Error(`timed out after ${opts.timeoutMs / 1000}s waiting for ${path}, held by ${describeHolder(holder)}` +
                `${holder ? ', ' : '; '}${why}. The lock is held only while a job updates the docker config; re-run the job.`);
        }
        await new Promise((r) => setTimeout(r, opts.pollMs + Math.random() * opts.pollMs));
    }
    // A live holder keeps its lock fresh, so a slow body (a slow disk, a large file) never looks like a
    // crashed job's lock to the others; and it removes only its own lock (not one taken after breaking it).
    const beat = setInterval(() => {
        const now = new Date();
        (0,promises_.utimes)(path, now, now).catch(() => { });
    }, Math.max(opts.staleMs / 4, 10));
    beat.unref();
    try {
        return await body();
    }
    finally {
        clearInterval(beat);
        if ((await (0,promises_.readFile)(path, 'utf8').catch(() => undefined)) === token)
            await (0,promises_.rm)(path, { force: true });
    }
}
/** A lock that vanished between our attempt and our look was released: try again. */
function released(e) {
    if (e.code === 'ENOENT')
        return undefined;
    throw e;
}
/** A breaker holds the guard for one read and one unlink; one older than this was left by a crash. */
const GUARD_STALE_MS = 5_000;
/**
 * Removes the lock that was judged stale (its content `seen`). Two waiters may judge it stale at once: the
 * one that comes second must not remove the fresh lock the first one took meanwhile. So breaking takes a
 * guard of its own and removes the lock only if it still holds what was judged; the lock path is never
 * left empty while another waiter's lock is there (moving it aside and back would open such a window).
 */
async function breakStale(path, seen) {
    const guard = `${path}.break`;
    try {
        await (await (0,promises_.open)(guard, 'wx', 0o600)).close();
    }
    catch (e) {
        if (e.code !== 'EEXIST')
            throw e;
        const age = await (0,promises_.stat)(guard).then((s) => Date.now() - s.mtimeMs, released);
        if (age !== undefined && age > GUARD_STALE_MS)
            await (0,promises_.rm)(guard, { force: true });
        return; // another waiter is breaking it now
    }
    try {
        if ((await (0,promises_.readFile)(path, 'utf8').catch(released)) === seen)
            await (0,promises_.rm)(path, { force: true });
    }
    finally {
        await (0,promises_.rm)(guard, { force: true });
    }
}

// EXTERNAL MODULE: ./src/helper/cache.ts
var cache = __webpack_require__(4806);
;// CONCATENATED MODULE: ./src/helper/renew.ts
// Renews a host's cached token for the credential helper, loaded only when one is close to expiry (the
// lock and the AWS SDK stay out of an answer from the cache).


/** The longest refresh the SDK can make: every attempt times out, with its longest backoff in between. */
function refreshBoundMs(entry) {
    const backoffCapSeconds = 20; // the cap of the SDK's standard retry strategy
    return entry.settings.maxAttempts * (entry.settings.timeoutSeconds + backoffCapSeconds) * 1000;
}
/**
 * The host's entry with a fresh token. The renewal holds a per-host lock across the API call, which our
 * other locks never do: here the call is what the lock is for, so eight clients that find the same
 * expired token make one call, not eight. The wait is bounded by the longest refresh the SDK can make; a
 * waiter that gets the lock re-reads the cache and hands out the token the holder wrote. The holder's
 * heartbeat keeps a slow refresh from looking stale; a killed holder's lock is broken after `staleMs`.
 * A timeout names the lock file it waited for.
 */
async function renew(dir, entry, env) {
    const { mkdir } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 1455, 23));
    const lockDir = (0,cache/* entryFile */.$B)(dir, entry.host).replace(/\.json$/, '.lock');
    await mkdir(lockDir, { recursive: true, mode: 0o700 });
    const opts = { ...LOCK_DEFAULTS, staleMs: 10_000, timeoutMs: refreshBoundMs(entry) + 10_000 };
    return withConfigLock(lockDir, async () => {
        const seen = (await (0,cache/* readEntry */.hB)(dir, entry.host)) ?? entry;
        if (!(0,cache/* needsRefresh */.xA)(seen, Date.now()))
            return seen;
        const { refreshEntry } = await Promise.all(/* import() */[__webpack_require__.e(320), __webpack_require__.e(823)]).then(__webpack_require__.bind(__webpack_require__, 5823));
        const fresh = await refreshEntry(seen, env);
        await (0,cache/* writeEntry */.cD)(dir, fresh);
        return fresh;
    }, opts);
}


/***/ })

};
