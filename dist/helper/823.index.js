export const id = 823;
export const ids = [823];
export const modules = {

/***/ 5823:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  refreshEntry: () => (/* binding */ refreshEntry)
});

// UNUSED EXPORTS: adoptRecordedSettings, tokenRequest

;// CONCATENATED MODULE: ./src/ecr/credentials.ts
// Turns GetAuthorizationToken answers into one docker credential per login host. Pure: the only effect
// is the injected `mask`, which is called on every secret form before anything else reads the token.
/**
 * Masks and decodes a token. The raw token is masked first, then the password; the password only when
 * `maskPassword` (mask-password: false lets the output cross jobs, as in the official action).
 */
function decodeToken(token, maskPassword, mask) {
    mask(token);
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0 || colon === decoded.length - 1) {
        throw new Error('the authorization token is not base64("user:password")');
    }
    const password = decoded.slice(colon + 1);
    if (maskPassword)
        mask(password);
    return { username: decoded.slice(0, colon), password, token };
}
/** Loopback host[:port]: the only hosts plain http is honoured for (local stand-ins). */
const credentials_LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?$/;
/** Host and scheme of a proxyEndpoint; plain http is honoured only for loopback stand-ins. */
function endpointHost(proxyEndpoint) {
    const match = /^(https?):\/\/([^/]+)\/?$/i.exec(proxyEndpoint.trim());
    if (!match?.[1] || !match[2])
        throw new Error(`unexpected proxyEndpoint ${JSON.stringify(proxyEndpoint)}`);
    const host = match[2].toLowerCase();
    const scheme = match[1].toLowerCase() === 'http' && credentials_LOOPBACK.test(host) ? 'http' : 'https';
    return { host, scheme };
}
/**
 * Matches each answer to the registries it serves. Entries are matched to registryIds by the account
 * in their proxyEndpoint host, else by position (the API answers in request order).
 */
function credentials_credentialsFor(request, data, order, maskPassword, mask) {
    const decoded = data.map((d) => {
        if (!d.authorizationToken)
            throw new Error('the answer has no authorizationToken');
        return { ...d, ...decodeToken(d.authorizationToken, maskPassword, mask) };
    });
    const expiry = (d) => d.expiresAt ?? new Date(Date.now() + 12 * 3600_000);
    const base = (d) => ({
        username: d.username,
        password: d.password,
        auth: d.token,
        expiresAt: expiry(d),
        region: request.region,
        ...(request.role ? { role: request.role } : {}),
        ...(request.profile ? { profile: request.profile } : {}),
    });
    if (request.kind === 'public') {
        const d = decoded[0];
        if (!d)
            throw new Error('ECR Public returned no authorization data');
        return request.registries.map((r) => ({
            ...base(d),
            host: r.host,
            scheme: 'https',
            kind: 'public',
            order: order(r),
        }));
    }
    if (request.registryIds.length === 0) {
        // The caller's own registry: whatever the API answered.
        return decoded.map((d, i) => {
            const { host, scheme } = endpointHost(d.proxyEndpoint ?? '');
            const account = /^(\d{12})\./.exec(host)?.[1];
            return {
                ...base(d),
                host,
                scheme,
                kind: 'private',
                ...(account ? { account } : {}),
                order: i,
            };
        });
    }
    return request.registryIds.flatMap((account, i) => {
        const d = decoded.find((e) => (e.proxyEndpoint ?? '').replace(/^https?:\/\//i, '').startsWith(`${account}.`)) ??
            (decoded.length === request.registryIds.length ? decoded[i] : undefined);
        if (!d)
            throw new Error(`no authorization data was returned for account ${account}`);
        const proxy = endpointHost(d.proxyEndpoint ?? '');
        return request.registries
            .filter((r) => r.account === account)
            .map((r) => {
            // docker matches credentials by exact host: a FIPS or dual-stack host the user named is used as-is.
            const named = r.namedHost && (r.fips || r.dualStack);
            return {
                ...base(d),
                host: named ? r.host : proxy.host,
                scheme: named ? 'https' : proxy.scheme,
                kind: 'private',
                account,
                registry: r.host,
                order: order(r),
            };
        });
    });
}
/** All credentials in input order, one per host (the first wins when two items resolve to one host). */
function credentials_orderCredentials(all) {
    const seen = new Set();
    return [...all]
        .sort((a, b) => a.order - b.order)
        .filter((c) => {
        if (seen.has(c.host))
            return false;
        seen.add(c.host);
        return true;
    });
}

;// CONCATENATED MODULE: ./src/ecr/token-answer.ts
/**
 * Real ECR tokens are base64("AWS:" + a ~3,200-character password), about 4,300 characters; ECR Public's are
 * shorter. 16 KiB leaves room for growth while keeping a hostile answer (an 8 MB token would become
 * megabytes of `::add-mask::` lines and config text) out of the log.
 */
const MAX_TOKEN_CHARS = 16 * 1024;
/** ECR tokens live 12 hours; anything past a day (plus clock skew) is not an ECR answer. */
const MAX_TOKEN_LIFETIME_MS = 24 * 3600_000 + 5 * 60_000;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PLAIN_HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?$`, 'i');
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** Which registry an answer is for, as a problem names it. */
function whose(request) {
    if (request.kind === 'public')
        return `ECR Public (${request.region})`;
    if (request.registryIds.length === 0)
        return `the default registry in ${request.region}`;
    return `account${request.registryIds.length > 1 ? 's' : ''} ${request.registryIds.join(', ')} in ${request.region}`;
}
/** Why a proxyEndpoint is not an http(s) URL of a plain host name, or undefined when it is. */
function endpointProblem(value) {
    if (typeof value !== 'string' || value === '')
        return 'is missing';
    if (value.length > 300)
        return 'is too long for a registry URL';
    if (CONTROL.test(value) || /\s/.test(value))
        return 'holds whitespace or a control character';
    const m = /^(https?):\/\/([^/?#]*)\/?$/i.exec(value);
    if (!m)
        return 'is not an http(s) URL without a path';
    const authority = m[2] ?? '';
    if (authority.includes('@'))
        return 'holds a user name or password';
    if (!PLAIN_HOST.test(authority))
        return 'does not name a plain host name';
    return undefined;
}
/** Why a token is not a usable base64("user:password"), or undefined when it is. */
function tokenProblem(value) {
    if (typeof value !== 'string' || value === '')
        return 'is missing';
    if (value.length > MAX_TOKEN_CHARS)
        return `is longer than ${MAX_TOKEN_CHARS} characters`;
    if (!BASE64.test(value))
        return 'is not base64';
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (decoded.includes('\ufffd'))
        return 'does not decode to UTF-8 text';
    const colon = decoded.indexOf(':');
    if (colon <= 0)
        return 'does not decode to "user:password"';
    if (colon === decoded.length - 1)
        return 'has an empty password';
    if (CONTROL.test(decoded))
        return 'holds a control character';
    return undefined;
}
/** Why an expiry is not a time within the next day, or undefined when it is (or is absent: 12 h is assumed). */
function expiryProblem(value, now) {
    if (value === undefined)
        return undefined;
    if (!(value instanceof Date) || Number.isNaN(value.getTime()))
        return 'is not a time';
    if (value.getTime() <= now)
        return 'is in the past';
    if (value.getTime() - now > MAX_TOKEN_LIFETIME_MS)
        return 'is more than a day ahead';
    return undefined;
}
/**
 * The answer's entries when every one is usable, else one problem for the request's registries. An empty
 * answer for the caller's own registry is a problem too: the step would otherwise succeed with nothing
 * logged in. (The caller adds the principal, which only STS knows.)
 */
function token_answer_validateAuthorizationData(data, request, now = Date.now()) {
    const who = whose(request);
    if (data.length === 0)
        return { problem: `GetAuthorizationToken for ${who} answered no authorization data` };
    for (const [i, d] of data.entries()) {
        const entry = data.length > 1 ? ` (entry ${i + 1} of ${data.length})` : '';
        const field = (name, problem) => problem && `GetAuthorizationToken for ${who} answered an unusable ${name}${entry}: it ${problem}`;
        const problem = field('authorizationToken', tokenProblem(d.authorizationToken)) ??
            field('expiresAt', expiryProblem(d.expiresAt, now)) ??
            (request.kind === 'private' ? field('proxyEndpoint', endpointProblem(d.proxyEndpoint)) : undefined);
        if (problem)
            return { problem };
    }
    return { ok: [...data] };
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var dist_cjs = __webpack_require__(8249);
// EXTERNAL MODULE: ./node_modules/http-proxy-agent/dist/index.js
var dist = __webpack_require__(8947);
// EXTERNAL MODULE: ./node_modules/https-proxy-agent/dist/index.js + 1 modules
var https_proxy_agent_dist = __webpack_require__(1566);
;// CONCATENATED MODULE: ./src/net/proxy.ts


/** The proxy variables by role, upper case first (curl and the docker CLI read both spellings). */
const PROXY_VARIABLES = {
    https: ['HTTPS_PROXY', 'https_proxy'],
    http: ['HTTP_PROXY', 'http_proxy'],
    bypass: ['NO_PROXY', 'no_proxy'],
};
/** The variable that sets a role (the first spelling with a non-blank value) and its trimmed value. */
function proxySetting(env, role) {
    for (const variable of PROXY_VARIABLES[role]) {
        const value = env[variable]?.trim();
        if (value)
            return { variable, value };
    }
    return undefined;
}
/** Which proxy variable serves a target URL's scheme. */
function proxyRoleFor(target) {
    return target.protocol === 'https:' ? 'https' : 'http';
}
/** True when NO_PROXY (entries: `*`, exact host, `.suffix` or bare domain for subdomains, host:port) covers the target. */
function bypassesProxy(target, noProxy) {
    if (!noProxy)
        return false;
    const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    return noProxy
        .split(/[\s,]+/)
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean)
        .some((entry) => {
        if (entry === '*')
            return true;
        // A bare IPv6 address (`::1`, as in the common `localhost,127.0.0.1,::1`) carries no port.
        if (/^[0-9a-f:.]+$/.test(entry) && entry.split(':').length > 2)
            return host === entry;
        const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
        if (!m?.[1])
            return false;
        if (m[2] && m[2] !== port)
            return false;
        const name = m[1].replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
        if (name.startsWith('.'))
            return host.endsWith(name) || host === name.slice(1);
        return host === name || host.endsWith(`.${name}`);
    });
}
/** A proxy value as a URL: one without a scheme (`proxy:3128`) is `http://`, as curl, docker and the AWS CLI read it. */
function withScheme(value) {
    return value.includes('://') ? value : `http://${value}`;
}
/** The proxy URL for a target URL, or undefined for a direct connection. */
function proxyFor(target, httpProxyInput, env) {
    const url = new URL(target);
    if (bypassesProxy(url, proxySetting(env, 'bypass')?.value))
        return undefined;
    const proxy = httpProxyInput || proxySetting(env, proxyRoleFor(url))?.value;
    return proxy ? withScheme(proxy) : undefined;
}
/** What a proxy's 407 means, naming the proxy by host:port (its URL may hold a password). */
function proxyRefusal(proxy) {
    const { host } = new URL(withScheme(proxy));
    return (`the proxy ${host} refused authentication (407 Proxy Authentication Required); ` +
        'check the user and password in the proxy URL (user:password@host:port, percent-encoded)');
}
/** An agent that tunnels (https) or forwards (http) through the proxy, or undefined for direct. */
function agentFor(target, httpProxyInput, env) {
    const proxy = proxyFor(target, httpProxyInput, env);
    if (!proxy)
        return undefined;
    return target.startsWith('https:') ? new https_proxy_agent_dist/* HttpsProxyAgent */.b(proxy) : new dist/* HttpProxyAgent */.s(proxy);
}

// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var node_http_handler_dist_cjs = __webpack_require__(1279);
;// CONCATENATED MODULE: ./src/ecr/attempt-deadline.ts

function timeoutError(endpoint, seconds, what) {
    return Object.assign(new Error(`${what} from ${endpoint} did not complete within ${seconds} s`), {
        name: 'TimeoutError',
    });
}
class AttemptDeadlineHandler extends node_http_handler_dist_cjs.NodeHttpHandler {
    options;
    endpoint;
    seconds;
    constructor(
    /** The agents (a proxy's, or none for the SDK's own). */
    options, endpoint, seconds) {
        super({
            ...options,
            connectionTimeout: seconds * 1000,
            requestTimeout: seconds * 1000,
            throwOnRequestTimeout: true,
        });
        this.options = options;
        this.endpoint = endpoint;
        this.seconds = seconds;
    }
    async handle(request, options) {
        const started = Date.now();
        const answer = await super.handle(request, options);
        const body = answer.response.body;
        if (body && typeof body.destroy === 'function' && !body.readableEnded) {
            const left = Math.max(0, this.seconds * 1000 - (Date.now() - started));
            const timer = setTimeout(() => body.destroy(timeoutError(this.endpoint, this.seconds, 'the answer')), left);
            body.once('close', () => clearTimeout(timer));
        }
        return answer;
    }
}

// EXTERNAL MODULE: ./src/ecr/aws-env.ts
var aws_env = __webpack_require__(3753);
;// CONCATENATED MODULE: ./src/ecr/token-api.ts
// Amazon ECR token calls: one GetAuthorizationToken per planned request, all at once. Retries,
// backoff and jitter are the SDK's standard strategy; we set the attempt count, a per-attempt
// timeout (connect, headers and body: src/ecr/attempt-deadline.ts) and the proxy agent.




/** The credentials a call is signed with: the step's own unless a role or profile is given. */
function credentialsOf(settings, region, role, profile) {
    if (role && settings.credentialsFor)
        return { credentials: settings.credentialsFor(role, region, profile) };
    if (profile && settings.profileCredentials)
        return { credentials: settings.profileCredentials(profile) };
    return {};
}
const resolvers = new Map();
/**
 * The SDK's own endpoint rules for a service. A client's endpointProvider does not depend on that
 * client's configuration, so one bare client per service and process serves every region. ECR's module is
 * loaded anyway; ECR Public's and STS's only when a call or a diagnosis needs them.
 */
function resolverFor(service) {
    let resolver = resolvers.get(service.id);
    if (!resolver) {
        resolver = (async () => {
            const client = service.id === 'ecr'
                ? new dist_cjs/* ECRClient */.S70({})
                : service.id === 'ecr-public'
                    ? new (await __webpack_require__.e(/* import() */ 821).then(__webpack_require__.t.bind(__webpack_require__, 9821, 19))).ECRPUBLICClient({})
                    : new (await __webpack_require__.e(/* import() */ 695).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19))).STSClient({});
            const provider = client.config.endpointProvider;
            client.destroy();
            return provider;
        })();
        resolvers.set(service.id, resolver);
    }
    return resolver;
}
/**
 * The endpoint the SDK will call: an AWS_ENDPOINT_URL_* override first, else the SDK's endpoint rules
 * with the FIPS and dual-stack settings. It decides NO_PROXY and names the endpoint in messages.
 */
async function endpointFor(service, region, fips, env) {
    const override = (0,aws_env/* endpointOverride */.Ku)(service, env);
    if (override)
        return override.url;
    const resolve = await resolverFor(service);
    const { url } = resolve({
        Region: region,
        UseFIPS: fips || env.AWS_USE_FIPS_ENDPOINT === 'true',
        UseDualStack: env.AWS_USE_DUALSTACK_ENDPOINT === 'true',
    });
    return url.href.replace(/\/$/, '');
}
/** Client options shared by every AWS client we build (ECR, ECR Public, STS). */
async function clientConfig(service, region, fips, settings, role, profile) {
    const endpoint = await endpointFor(service, region, fips, settings.env);
    const agent = agentFor(endpoint, settings.httpProxy, settings.env);
    return {
        region,
        maxAttempts: settings.maxAttempts,
        customUserAgent: 'ecr-login',
        ...(fips ? { useFipsEndpoint: true } : {}),
        ...credentialsOf(settings, region, role, profile),
        requestHandler: new AttemptDeadlineHandler(agent ? { httpAgent: agent, httpsAgent: agent } : {}, endpoint, settings.timeoutSeconds),
    };
}
/** One API call for one planned request. ECR Public is loaded only when a public registry is listed. */
async function getAuthorizationToken(request, settings) {
    if (request.kind === 'public') {
        const { ECRPUBLICClient, GetAuthorizationTokenCommand: PublicCommand } = await __webpack_require__.e(/* import() */ 821).then(__webpack_require__.t.bind(__webpack_require__, 9821, 19));
        const client = new ECRPUBLICClient(await clientConfig(aws_env/* ECR_PUBLIC */.xB, request.region, false, settings, request.role, request.profile));
        try {
            const out = await client.send(new PublicCommand({}));
            return { data: out.authorizationData ? [out.authorizationData] : [] };
        }
        finally {
            client.destroy();
        }
    }
    const client = new dist_cjs/* ECRClient */.S70(await clientConfig(aws_env/* ECR */.Tj, request.region, request.fips, settings, request.role, request.profile));
    try {
        const out = await client.send(new dist_cjs/* GetAuthorizationTokenCommand */.Eu6(request.registryIds.length > 0 ? { registryIds: request.registryIds } : {}));
        return { data: out.authorizationData ?? [] };
    }
    finally {
        client.destroy();
    }
}

;// CONCATENATED MODULE: ./src/diagnose/display.ts
// Renders user-supplied text for an error message: quoted, control and non-ASCII characters escaped
// (never raw, so they cannot forge workflow commands, garble the log or hide a look-alike letter), and
// cut when long so a message stays one line.
const MAX_SHOWN = 80;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
function display_display(text) {
    const chars = [...text];
    const cut = chars.length > MAX_SHOWN ? chars.slice(0, MAX_SHOWN).join('') : text;
    const quoted = JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return cut === text ? quoted : `${quoted}…`;
}
/**
 * Replaces the userinfo (`user:pass@`) after an optional scheme with `***`, so a password is never shown.
 * It ends at the last '@' that does not open a digest, so a password holding '/' or '@' is still covered.
 */
function display_redactUserinfo(text) {
    const scheme = SCHEME.exec(text)?.[0] ?? '';
    const rest = text.slice(scheme.length);
    // `file:///…` has an empty authority: its '@'s are path (node_modules/@scope), not userinfo.
    if (scheme && rest.startsWith('/'))
        return text;
    const end = [...rest.matchAll(/@(?!sha256:)/gi)].at(-1)?.index ?? -1;
    return end < 0 ? text : `${scheme}***${rest.slice(end)}`;
}
/** Free text: every `scheme://…` up to the next whitespace loses its userinfo by the rule above. */
function redactUrls(text) {
    return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, (url) => display_redactUserinfo(url));
}

;// CONCATENATED MODULE: ./src/ecr/registry.ts
// Grammar of the `registries` input: account IDs, ECR registry hosts and pasted image URIs.
// Pure: no I/O, no env reads. Host forms and partitions are described in docs/ecr-hosts.md.

/** The AWS partitions, the one list every partition rule here (and the role-ARN check) is built from. */
const PARTITIONS = [
    'aws',
    'aws-cn',
    'aws-us-gov',
    'aws-iso',
    'aws-iso-b',
    'aws-iso-e',
    'aws-iso-f',
    'aws-eusc',
];
const FIPS_REGIONS = (/* unused pure expression or super */ null && (['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'us-gov-east-1', 'us-gov-west-1']));
// Each prefix ends in "-", so `us-iso-` never swallows `us-isob-…`: order does not matter.
const REGION_PREFIXES = (/* unused pure expression or super */ null && ([
    ['cn-', 'aws-cn'],
    ['us-gov-', 'aws-us-gov'],
    ['us-iso-', 'aws-iso'],
    ['us-isob-', 'aws-iso-b'],
    ['eu-isoe-', 'aws-iso-e'],
    ['us-isof-', 'aws-iso-f'],
    ['eusc-', 'aws-eusc'],
]));
// A Map, not an object literal: a suffix like `constructor` must not hit Object.prototype.
const SUFFIXES = new Map([
    ['amazonaws.com', { partitions: ['aws', 'aws-us-gov'], dualStack: false }],
    ['on.aws', { partitions: ['aws', 'aws-us-gov'], dualStack: true }],
    ['amazonaws.com.cn', { partitions: ['aws-cn'], dualStack: false }],
    // Sources disagree on `dkr-ecr.` vs `dkr.ecr.` before the region here: accept both.
    ['on.amazonwebservices.com.cn', { partitions: ['aws-cn'], dualStack: true, dotToo: true }],
    ['c2s.ic.gov', { partitions: ['aws-iso'], dualStack: false }],
    ['sc2s.sgov.gov', { partitions: ['aws-iso-b'], dualStack: false }],
    ['cloud.adc-e.uk', { partitions: ['aws-iso-e'], dualStack: false }],
    ['csp.hci.ic.gov', { partitions: ['aws-iso-f'], dualStack: false }],
    ['amazonaws.eu', { partitions: ['aws-eusc'], dualStack: false }],
]);
const STANDARD_SUFFIX = {
    aws: 'amazonaws.com',
    'aws-us-gov': 'amazonaws.com',
    'aws-cn': 'amazonaws.com.cn',
    'aws-iso': 'c2s.ic.gov',
    'aws-iso-b': 'sc2s.sgov.gov',
    'aws-iso-e': 'cloud.adc-e.uk',
    'aws-iso-f': 'csp.hci.ic.gov',
    'aws-eusc': 'amazonaws.eu',
};
/** Registry (dkr-ecr) hosts on the dual-stack domains; the other partitions have none. */
const DUAL_STACK_REGISTRY_SUFFIX = {
    aws: 'on.aws',
    'aws-us-gov': 'on.aws',
    'aws-cn': 'on.amazonwebservices.com.cn',
};
const PUBLIC_HOSTS = (/* unused pure expression or super */ null && (['public.ecr.aws', 'ecr-public.aws.com']));
const registry_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const PRIVATE_HOST = /^([^.]+)\.(dkr\.ecr|dkr-ecr)(-fips)?\.([^.]+)\.(.+)$/;
// Docker distribution's path component, case-insensitive: only the host matters to us.
const SEGMENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/i;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
function registry_isRegion(text) {
    return /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/.test(text);
}
function registry_partitionOfRegion(region) {
    const lower = region.toLowerCase();
    return REGION_PREFIXES.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? 'aws';
}
function accountProblem(digits) {
    if (digits.length === 12)
        return undefined;
    const base = `an AWS account ID has exactly 12 digits, this has ${digits.length}`;
    if (digits.length > 12)
        return base;
    return (`${base}: YAML turns an unquoted number like 012345678901 into 12345678901 (dropping the leading zero), ` +
        `so quote the account ID (for example '012345678901')`);
}
function standardHost(account, region, partition) {
    return `${account}.dkr.ecr.${region}.${STANDARD_SUFFIX[partition]}`;
}
/** Classifies a lower-case host: a registry, or the reason it is not one. */
function parseHost(host, item) {
    const publicHost = PUBLIC_HOSTS.find((h) => h === host);
    if (publicHost)
        return { kind: 'public', item, host: publicHost, dualStack: publicHost === 'ecr-public.aws.com' };
    if (host.split('.').includes(''))
        return 'the host has an empty label (a doubled, leading or trailing dot)';
    const match = PRIVATE_HOST.exec(host);
    if (!match) {
        if (PUBLIC_HOSTS.some((h) => host.includes(h))) {
            return 'is not ECR Public: its host is exactly public.ecr.aws or ecr-public.aws.com';
        }
        return ('is not an ECR registry: expected a 12-digit account ID, <account>.dkr.ecr.<region>.amazonaws.com ' +
            '(or another ECR host form), public.ecr.aws or ecr-public.aws.com');
    }
    const [, account = '', service, fipsPart, region = '', suffix = ''] = match;
    if (!/^\d+$/.test(account))
        return `the host's first label ${display(account)} is not a 12-digit account ID`;
    const badAccount = accountProblem(account);
    if (badAccount)
        return `in the host, ${badAccount}`;
    const rule = SUFFIXES.get(suffix);
    if (!rule)
        return `unknown domain ${display(suffix)}: ECR hosts end in ${[...SUFFIXES.keys()].join(', ')}`;
    if (!registry_isRegion(region))
        return `${display(region)} is not an AWS region (like us-east-1)`;
    const partition = registry_partitionOfRegion(region);
    const dualSuffix = DUAL_STACK_REGISTRY_SUFFIX[partition];
    if (!rule.partitions.includes(partition)) {
        const expected = dualSuffix
            ? `${STANDARD_SUFFIX[partition]} or ${dualSuffix}`
            : STANDARD_SUFFIX[partition];
        return `region ${region} is in partition ${partition}, whose ECR hosts end in ${expected}, not ${suffix}`;
    }
    const dashed = service === 'dkr-ecr';
    if (dashed && !rule.dualStack) {
        return dualSuffix
            ? `dual-stack hosts (dkr-ecr) end in ${dualSuffix}, not ${suffix}`
            : `partition ${partition} has no dual-stack ECR endpoint (dkr-ecr)`;
    }
    if (!dashed && rule.dualStack && !rule.dotToo)
        return `hosts on ${suffix} are spelled dkr-ecr, not dkr.ecr`;
    const fips = fipsPart !== undefined;
    if (fips && !FIPS_REGIONS.includes(region)) {
        return `ECR FIPS endpoints exist only in ${FIPS_REGIONS.join(', ')}, not in ${region}`;
    }
    return {
        kind: 'private',
        item,
        account,
        region,
        partition,
        fips,
        dualStack: rule.dualStack,
        host,
        namedHost: true,
    };
}
/** Checks the image path after the host (`team/app:tag@sha256:…`); empty means a trailing '/'. */
function pathProblem(path) {
    if (path === '')
        return undefined;
    const at = path.indexOf('@');
    if (at >= 0 && !DIGEST.test(path.slice(at + 1))) {
        return 'the digest after @ must be sha256: followed by 64 lower-case hex digits';
    }
    const segments = (at < 0 ? path : path.slice(0, at)).split('/');
    const last = segments.pop() ?? '';
    const colon = last.indexOf(':');
    if (colon >= 0) {
        const tag = last.slice(colon + 1);
        if (!TAG.test(tag))
            return `the image tag ${display(tag)} is not valid (1-128 of A-Z a-z 0-9 _ . -, not starting with . or -)`;
        segments.push(last.slice(0, colon));
    }
    else {
        segments.push(last);
    }
    const bad = segments.find((s) => !SEGMENT.test(s));
    if (bad === undefined)
        return undefined;
    return bad === ''
        ? 'the image path has an empty segment'
        : `${display(bad)} is not a valid repository path segment`;
}
function registry_parseRegistryItem(item, defaultRegion) {
    const text = item.trim();
    const fail = (reason) => ({
        ok: false,
        problem: { item: display(redactUserinfo(text)), reason },
    });
    if (text === '')
        return fail('the item is empty');
    if (/[\s\p{Cc}\p{Cf}]/u.test(text)) {
        return fail('contains whitespace or control characters; separate items with commas or newlines');
    }
    if (/[^\x21-\x7e]/.test(text))
        return fail('contains non-ASCII characters; ECR hosts are plain ASCII');
    const scheme = registry_SCHEME.exec(text);
    if (scheme && scheme[1]?.toLowerCase() !== 'https') {
        return fail(`only https:// may precede the host, not ${display(`${scheme[1]}://`)}`);
    }
    const rest = text.slice(scheme?.[0].length ?? 0);
    if (redactUserinfo(rest) !== rest) {
        return fail("has an '@' that does not start an @sha256: digest: credentials (user:password@) do not belong in " +
            'the registry list; the action gets tokens from AWS');
    }
    if (/[?#]/.test(rest))
        return fail('a query string (?) or fragment (#) is not part of a registry');
    const slash = rest.indexOf('/');
    const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
    const path = slash < 0 ? '' : rest.slice(slash + 1);
    if (host === '')
        return fail('has no registry host');
    if (host.includes(':')) {
        return fail(/:\d+$/.test(host)
            ? 'a port is not part of an ECR registry host (docker keys the login by the bare host)'
            : "has ':' in the host; ':' may only start an image tag after a repository path");
    }
    if (/^\d+$/.test(host)) {
        if (scheme || slash >= 0)
            return fail('an account ID stands alone, without https:// or a path');
        const badAccount = accountProblem(host);
        if (badAccount)
            return fail(badAccount);
        const region = defaultRegion?.trim().toLowerCase();
        if (!region) {
            return fail('a bare account ID needs a region: set the `region` input, AWS_REGION or AWS_DEFAULT_REGION, ' +
                'or write the registry host (<account>.dkr.ecr.<region>.amazonaws.com)');
        }
        if (!registry_isRegion(region))
            return fail(`the default region ${display(region)} is not an AWS region (like us-east-1)`);
        const partition = registry_partitionOfRegion(region);
        const registry = {
            kind: 'private',
            item: text,
            account: host,
            region,
            partition,
            fips: false,
            dualStack: false,
            host: standardHost(host, region, partition),
            namedHost: false,
        };
        return { ok: true, registry };
    }
    const registry = parseHost(host, text);
    if (typeof registry === 'string')
        return fail(registry);
    const badPath = pathProblem(path);
    if (badPath)
        return fail(badPath);
    return { ok: true, registry };
}
/**
 * Parses a comma- and/or newline-separated list. Items naming the same login host merge (first seen
 * wins); every bad item is reported, not only the first.
 */
function registry_parseRegistryList(text, defaultRegion) {
    const registries = [];
    const problems = [];
    const hosts = new Set();
    for (const raw of text.split(/[,\r\n]/)) {
        if (raw.trim() === '')
            continue;
        const result = registry_parseRegistryItem(raw, defaultRegion);
        if (!result.ok)
            problems.push(result.problem);
        else if (!hosts.has(result.registry.host)) {
            hosts.add(result.registry.host);
            registries.push(result.registry);
        }
    }
    return { registries, problems };
}

;// CONCATENATED MODULE: ./src/ecr/aliases.ts
// `registry-aliases`: lines ALIAS=REGISTRY. Docker matches credentials by the host it talks to, so a
// registry reached under the team's own name (a CNAME with its own certificate, a pull-through proxy)
// needs its token stored under that name too. Pure.



const INPUT = 'Input `registry-aliases`';
const aliases_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// What an ECR host looks like: such an alias gets the `registries` grammar's own verdict.
const ECR_LOOKALIKE = /dkr[.-]ecr|ecr-public|public\.ecr\.aws|amazonaws|on\.aws$/;
/** Why `alias` is not a plain host[:port], or undefined. */
function aliasProblem(alias) {
    if (/[\s\p{Cc}\p{Cf}]/u.test(alias))
        return 'the alias contains whitespace or control characters';
    if (/[^\x21-\x7e]/.test(alias))
        return 'the alias contains non-ASCII characters; write the punycode (xn--) form';
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(alias))
        return 'the alias is a plain host: no scheme (https://)';
    if (alias.includes('@'))
        return 'the alias is a plain host: no credentials (user:password@)';
    if (/[/?#]/.test(alias))
        return 'the alias is a plain host: no path, query or fragment';
    const m = /^([^:]*)(?::(\d+))?$/.exec(alias);
    const [, host = '', port] = m ?? [];
    if (!m || host === '')
        return 'the alias is a host name with an optional :port (registry.example.com:5000)';
    if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535 && !port.startsWith('0'))) {
        return `the port ${display(port)} is not a number from 1 to 65535`;
    }
    if (IPV4.test(host))
        return undefined;
    if (host.length > 253 || !host.split('.').every((l) => aliases_LABEL.test(l)) || /^\d+$/.test(host)) {
        return 'the alias is not a valid host name (labels of letters, digits and inner hyphens, separated by dots)';
    }
    return undefined;
}
/** Parses the lines; `region` resolves an account ID on the right, as in `registries`. */
function aliases_parseAliases(text, region, problems) {
    const aliases = [];
    for (const raw of text.split(/\r?\n/)) {
        const entry = raw.trim();
        if (!entry)
            continue;
        const eq = entry.indexOf('=');
        const alias = entry.slice(0, eq).trim().toLowerCase();
        const value = entry.slice(eq + 1).trim();
        const where = `${INPUT}: ${display(redactUserinfo(entry))}`;
        if (eq <= 0 || !alias || !value) {
            problems.push(`${where} is not ALIAS=REGISTRY.`);
            continue;
        }
        const bad = aliasProblem(alias);
        if (bad) {
            problems.push(`${where}: ${bad}.`);
            continue;
        }
        if (ECR_LOOKALIKE.test(alias)) {
            const asRegistry = parseRegistryItem(alias, region);
            problems.push(asRegistry.ok
                ? `${where}: ${alias} is itself an ECR registry; list it in \`registries\` (an alias is your own host name).`
                : `${where}: ${asRegistry.problem.item}: ${asRegistry.problem.reason}.`);
            continue;
        }
        const target = parseRegistryItem(value, region);
        if (!target.ok) {
            problems.push(`${where}: ${target.problem.item}: ${target.problem.reason}.`);
            continue;
        }
        if (target.registry.kind !== 'private') {
            problems.push(`${where}: ${target.registry.host} is ECR Public; an alias names a private registry.`);
            continue;
        }
        if (aliases.some((a) => a.host === alias)) {
            problems.push(`${where}: ${alias} is already an alias.`);
            continue;
        }
        aliases.push({ host: alias, target: target.registry });
    }
    return aliases;
}
/**
 * One more credential per alias: its registry's token under the alias host, proven at the alias's /v2/
 * over https (http only when both are loopback stand-ins). Ordered after every listed registry.
 */
function aliases_aliasCredentials(creds, aliases, firstOrder) {
    return aliases.flatMap((a, i) => {
        const cred = creds.find((c) => c.registry === a.target.host);
        if (!cred)
            return [];
        const scheme = cred.scheme === 'http' && LOOPBACK.test(a.host) ? 'http' : 'https';
        return [{ ...cred, host: a.host, scheme, aliasOf: cred.host, order: firstOrder + i }];
    });
}
/**
 * The registries a token is fetched for: those listed, then each alias's registry that `registries`
 * does not list (its token serves the alias only; the registry itself is not logged in).
 */
function aliases_tokenRegistries(registries, aliases) {
    const all = [...registries];
    for (const a of aliases)
        if (!all.some((r) => r.host === a.target.host))
            all.push(a.target);
    return all;
}

// EXTERNAL MODULE: ./src/action/runner.ts
var action_runner = __webpack_require__(5242);
;// CONCATENATED MODULE: ./src/ecr/profiles.ts
// registry-profiles: a registry's token is fetched with a named profile from the shared config and
// credentials files, resolved by the SDK itself (static keys, role_arn + source_profile, web identity,
// SSO, credential_process, `aws login` sessions). The SDK's loaders are imported only when a profile is
// used, so runs without one never pay for them.




// The names the SDK's ini parser accepts in a `[profile NAME]` section header.
const PROFILE_NAME = /^[\w\-@+.%:/]{1,128}$/;
const profiles_PROFILE_ITEMS = {
    input: 'registry-profiles',
    valueName: 'PROFILE',
    noun: 'a profile',
    checkValue: (name) => PROFILE_NAME.test(name)
        ? undefined
        : `${display_display(name)} is not a profile name (letters, digits and _ - @ + . % : /).`,
};
/** The files the SDK reads: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else its ~/.aws defaults. */
function files(env) {
    return {
        ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
        ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    };
}
/** How a message names the shared files: the variables' paths, else the SDK's defaults. */
function profileFiles(env) {
    return `${env.AWS_CONFIG_FILE || '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials'}`;
}
/** The profile names in the shared files, as the SDK parses them (sso-session and services sections are not profiles). */
async function profileNames(env) {
    const { loadSharedConfigFiles } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 7291, 19));
    const { configFile, credentialsFile } = await loadSharedConfigFiles({ ...files(env), ignoreCache: true });
    const names = [...Object.keys(configFile), ...Object.keys(credentialsFile)].filter((name) => !/^(sso-session|services)\./.test(name));
    return [...new Set(names)].sort();
}
/** The message for profiles the files do not define (names only: a profile's values are never shown). */
function unknownProfilesMessage(wanted, found, env) {
    const missing = [...new Set(wanted)].filter((p) => !found.includes(p));
    if (missing.length === 0)
        return undefined;
    const listed = found.length > 0 ? found.map((n) => display(n)).join(', ') : 'none';
    const names = missing.map((n) => display(n)).join(', ');
    return (`Input \`registry-profiles\`: ${missing.length === 1 ? 'profile' : 'profiles'} ${names} not found in ` +
        `${profileFiles(env)} (profiles found: ${listed}).`);
}
/** Why the profiles cannot be used (one is not in the files), checked before any call; or undefined. */
async function profiles_checkProfiles(wanted, env) {
    const names = [...wanted];
    return names.length === 0 ? undefined : unknownProfilesMessage(names, await profileNames(env), env);
}
/**
 * A credentials factory per profile: each profile is resolved once, however many calls it signs. The
 * SDK's own STS calls (role_arn, web identity) go through our proxy agent and timeouts; `region` is
 * theirs unless the profile names one.
 */
function profileResolver(base, region) {
    const cache = new Map();
    const resolve = async (profile) => {
        const { fromIni } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 5869, 19));
        const { requestHandler } = await clientConfig(aws_env/* STS */.$E, region, false, base);
        try {
            const c = await fromIni({
                profile,
                ...files(base.env),
                ignoreCache: true,
                parentClientConfig: { region, requestHandler },
            })();
            action_runner/* setSecret */.Pq(c.secretAccessKey);
            if (c.sessionToken)
                action_runner/* setSecret */.Pq(c.sessionToken);
            return c;
        }
        catch (error) {
            throw new ProfileError(profile, error);
        }
    };
    return (profile) => () => {
        let pending = cache.get(profile);
        if (!pending) {
            pending = resolve(profile);
            cache.set(profile, pending);
        }
        return pending;
    };
}
/** A profile's credentials could not be resolved: carries the profile so the diagnosis can name it. */
class ProfileError extends Error {
    profile;
    cause;
    constructor(profile, cause) {
        super(`the credentials of profile ${profile} could not be resolved: ${cause?.message ?? String(cause)}`);
        this.profile = profile;
        this.cause = cause;
        this.name = 'ProfileError';
    }
}

;// CONCATENATED MODULE: ./src/ecr/registry-items.ts
// `ITEM=VALUE` lines that attach a value to registries (registry-roles, registry-profiles). Pure.
// An account ID on the left means every registry of that account the step asks a token for, in every
// region and partition; a host or image URI means that registry alone and wins over its account's line.


/** The lines' values per registry host, for the `registries` given; every problem goes to `problems`. */
function registry_items_resolveItemLines(spec, text, registries, problems) {
    const byAccount = new Map();
    const byHost = new Map();
    const accounts = [...new Set(registries.flatMap((r) => (r.kind === 'private' ? [r.account] : [])))];
    for (const raw of text.split(/\r?\n/)) {
        const entry = raw.trim();
        if (!entry)
            continue;
        // Items never hold '=', role names may (`[\w+=,.@/-]`): split at the first one.
        const eq = entry.indexOf('=');
        const item = entry.slice(0, eq).trim();
        const value = entry.slice(eq + 1).trim();
        const where = `Input \`${spec.input}\`: ${display(entry)}`;
        if (eq <= 0 || !item || !value) {
            problems.push(`${where} is not ITEM=${spec.valueName}.`);
            continue;
        }
        const bad = spec.checkValue(value);
        if (bad) {
            problems.push(`${where}: ${bad}`);
            continue;
        }
        if (/^\d{12}$/.test(item)) {
            if (!accounts.includes(item)) {
                const listed = accounts.length > 0 ? accounts.join(', ') : 'none';
                problems.push(`${where}: account ${item} has no registry listed in \`registries\` (listed accounts: ${listed}).`);
            }
            else if (byAccount.has(item))
                problems.push(`${where}: account ${item} already has ${spec.noun}.`);
            else
                byAccount.set(item, { value, where });
            continue;
        }
        const parsed = parseRegistryItem(item);
        const listed = parsed.ok ? registries.find((r) => r.host === parsed.registry.host) : undefined;
        if (!listed) {
            problems.push(`${where}: ${display(item)} does not name a registry listed in \`registries\`.`);
        }
        else if (byHost.has(listed.host))
            problems.push(`${where}: ${listed.host} already has ${spec.noun}.`);
        else
            byHost.set(listed.host, { value, where });
    }
    const values = new Map();
    const misfits = new Set();
    for (const r of registries) {
        const line = byHost.get(r.host) ?? (r.kind === 'private' ? byAccount.get(r.account) : undefined);
        if (!line)
            continue;
        const misfit = spec.checkFit?.(line.value, r);
        if (misfit)
            misfits.add(`${line.where}: ${misfit}`);
        else
            values.set(r.host, line.value);
    }
    problems.push(...misfits);
    return values;
}

;// CONCATENATED MODULE: ./src/action/inputs.ts
// Reads every input once into typed Settings. Pure apart from the `read` and `env` it is given, so the
// whole bad-input table is unit-testable; every problem is collected and reported together, before
// any network call or disk write.





class inputs_InputError extends Error {
    problems;
    constructor(problems) {
        super(problems.length === 1 ? (problems[0] ?? '') : `Invalid inputs:\n- ${problems.join('\n- ')}`);
        this.problems = problems;
        this.name = 'InputError';
    }
}
const LIMITS = { valueLength: 32_768, items: 100, maxAttempts: 10, apiTimeoutSeconds: 300 };
const REGION_SOURCES = 'the `region` input, AWS_REGION or AWS_DEFAULT_REGION';
const ROLE_ARN = new RegExp(`^arn:(${PARTITIONS.join('|')}):iam::(\\d{12}):role\\/[\\w+=,.@/-]{1,512}$`);
const ROLE_ITEMS = {
    input: 'registry-roles',
    valueName: 'ROLE_ARN',
    noun: 'a role',
    checkValue: (arn) => ROLE_ARN.test(arn)
        ? undefined
        : `${display_display(arn)} is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`,
    checkFit: (arn, registry) => {
        const rolePartition = ROLE_ARN.exec(arn)?.[1];
        const partition = registry.kind === 'private' ? registry.partition : 'aws';
        return rolePartition === partition
            ? undefined
            : `the role is in partition ${rolePartition} but the registry is in ${partition}.`;
    },
};
/** C0 controls and DEL; list inputs may span lines, so they keep \n, \r and \t. */
function hasControlCharacter(value, multiline) {
    for (const ch of value) {
        const code = ch.charCodeAt(0);
        if (multiline && (ch === '\n' || ch === '\r' || ch === '\t'))
            continue;
        if (code < 0x20 || code === 0x7f)
            return true;
    }
    return false;
}
function parseSettings(read, env) {
    const problems = [];
    const text = (name, multiline = false) => {
        const value = read(name);
        if (value.length > LIMITS.valueLength) {
            problems.push(`Input \`${name}\` is ${value.length} characters long; at most ${LIMITS.valueLength} are accepted.`);
            return '';
        }
        if (hasControlCharacter(value, multiline)) {
            problems.push(`Input \`${name}\` contains a control character: ${display(redactUserinfo(value))}.`);
            return '';
        }
        return value;
    };
    const bool = (name, fallback) => {
        const value = text(name);
        if (value === '')
            return fallback;
        if (/^(true|True|TRUE)$/.test(value))
            return true;
        if (/^(false|False|FALSE)$/.test(value))
            return false;
        problems.push(`Input \`${name}\` must be true or false, got ${display(value)}.`);
        return fallback;
    };
    const choice = (name, allowed, fallback) => {
        const value = text(name);
        if (value === '')
            return fallback;
        if (allowed.includes(value))
            return value;
        problems.push(`Input \`${name}\` must be one of ${allowed.join(', ')}, got ${display(value)}.`);
        return fallback;
    };
    const integer = (name, fallback, max) => {
        const value = text(name);
        if (value === '')
            return fallback;
        const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
        if (n >= 1 && n <= max)
            return n;
        problems.push(`Input \`${name}\` must be a whole number from 1 to ${max}, got ${display(value)}.`);
        return fallback;
    };
    const region = resolveRegion(text('region'), env, problems);
    const registryType = choice('registry-type', ['private', 'public'], 'private');
    const aliasText = text('registry-aliases', true);
    const registries = parseRegistries(text('registries', true), region, registryType, problems, !aliasText.trim());
    const aliases = parseAliases(aliasText, region, problems);
    const signed = tokenRegistries(registries, aliases);
    const roles = resolveItemLines(ROLE_ITEMS, text('registry-roles', true), signed, problems);
    const profiles = resolveItemLines(PROFILE_ITEMS, text('registry-profiles', true), signed, problems);
    const settings = {
        registries,
        ...(region ? { region } : {}),
        maskPassword: bool('mask-password', true),
        skipLogout: bool('skip-logout', false),
        httpProxy: parseProxy(text('http-proxy'), problems),
        maxAttempts: integer('max-attempts', 5, LIMITS.maxAttempts),
        apiTimeoutSeconds: integer('api-timeout-seconds', 30, LIMITS.apiTimeoutSeconds),
        isolateConfig: bool('isolate-config', false),
        loginMethod: choice('login-method', ['auto', 'docker', 'config-file', 'helper'], 'auto'),
        roles,
        profiles,
        aliases,
    };
    if (settings.skipLogout && settings.loginMethod === 'helper')
        problems.push('Inputs `skip-logout: true` and `login-method: helper` do not go together: the credential helper lives in ' +
            'RUNNER_TEMP, which the runner deletes after the job, so its config entries must go with it. Drop one.');
    if (problems.length > 0)
        throw new inputs_InputError(problems);
    return settings;
}
function resolveRegion(input, env, problems) {
    const sources = [
        ['Input `region`', input],
        ['AWS_REGION', env.AWS_REGION?.trim()],
        ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION?.trim()],
    ];
    for (const [source, value] of sources) {
        if (!value)
            continue;
        if (isRegion(value))
            return value;
        problems.push(`${source} is not an AWS region (like us-east-1): ${display(value)}.`);
        return undefined;
    }
    return undefined;
}
function parseRegistries(value, region, type, problems, 
/** Whether an empty list means the default registry (not when `registry-aliases` asks for others). */
implicitDefault) {
    const items = value.split(/[,\r\n]+/).filter((s) => s.trim() !== '');
    if (items.length > LIMITS.items) {
        problems.push(`Input \`registries\` lists ${items.length} items; at most ${LIMITS.items} are accepted.`);
        return [];
    }
    if (items.length === 0) {
        if (type === 'public')
            return parseRegistryList('public.ecr.aws').registries;
        if (!region && implicitDefault) {
            problems.push(`No region for the default registry: set ${REGION_SOURCES}, or list registries by host.`);
        }
        return [];
    }
    const parsed = parseRegistryList(value, region);
    for (const p of parsed.problems)
        problems.push(`Input \`registries\`: ${p.item}: ${p.reason}`);
    if (type === 'public') {
        for (const r of parsed.registries.filter((x) => x.kind === 'private')) {
            problems.push(`Input \`registries\`: ${display(r.item)} is a private registry but \`registry-type\` is public; ` +
                'drop `registry-type` (registries may mix public and private items).');
        }
    }
    return parsed.registries;
}
function parseProxy(value, problems) {
    if (!value)
        return undefined;
    let url;
    try {
        url = new URL(value);
    }
    catch {
        url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname || url.pathname.length > 1 || url.search) {
        problems.push(`Input \`http-proxy\` must be a proxy URL like http://proxy.example:3128, got ${display(redactUserinfo(value))}.`);
        return undefined;
    }
    return value;
}

;// CONCATENATED MODULE: ./src/diagnose/message.ts
// Message hygiene shared by the diagnoses: one paragraph on one line, never a secret in it, and how a
// request travelled (through which proxy, or direct).



/** One paragraph, at most one line, with no secret in it. */
function finish(text, env, httpProxy, extra = []) {
    return scrub(text.replace(/\s+/g, ' ').trim(), env, httpProxy, extra);
}
function proxyUrl(value) {
    if (!value)
        return undefined;
    try {
        return new URL(withScheme(value));
    }
    catch {
        return undefined;
    }
}
/**
 * Every form a registry credential takes in text: the password, the token docker stores (`auth`, and
 * base64("user:password") in case the API's token is not its canonical encoding) and base64("AWS:" +
 * password). `scrub` removes them given as `extra`.
 */
function secretForms(cred) {
    const b64 = (s) => Buffer.from(s).toString('base64');
    const { username, password, auth } = cred;
    return [...new Set([password, auth, b64(`${username}:${password}`), b64(`AWS:${password}`)])];
}
/** Removes the values of the AWS secret variables, proxy credentials and any `user:pass@` in a URL. */
function scrub(text, env, httpProxy, extra = []) {
    const secrets = new Set(extra);
    for (const name of aws_env/* SECRET_VARIABLES */.VP)
        if (env[name])
            secrets.add(env[name]);
    const proxyValues = [...PROXY_VARIABLES.https, ...PROXY_VARIABLES.http].map((n) => env[n]);
    for (const value of [httpProxy, ...proxyValues]) {
        const url = proxyUrl(value);
        // The user name is not secret (and may be a common word); the password is.
        if (!url?.password)
            continue;
        secrets.add(url.password);
        try {
            secrets.add(decodeURIComponent(url.password));
        }
        catch {
            // not percent-encoded
        }
    }
    let out = redactUrls(text);
    for (const s of [...secrets].filter((x) => x.length >= 6).sort((a, b) => b.length - a.length)) {
        out = out.split(s).join('***');
    }
    return out;
}
function oneLine(text) {
    return (text ?? '').replace(/\s+/g, ' ').trim();
}
/** Ends a quoted message with a full stop, so the next sentence does not run into it. */
function sentence(text) {
    return /[.!?]$/.test(text) ? text : `${text}.`;
}
/** host:port of a URL, with the scheme's default port spelled out. */
function hostPort(url) {
    try {
        const u = new URL(url);
        return `${u.hostname}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
    }
    catch {
        return url;
    }
}
/** How a request to `target` travels: through which proxy (host:port and where it was configured), or direct. */
function proxyNote(target, httpProxy, env) {
    let chosen;
    let url;
    try {
        url = new URL(target);
        chosen = proxyFor(target, httpProxy, env);
    }
    catch {
        return 'no proxy';
    }
    const fromEnv = proxySetting(env, proxyRoleFor(url))?.variable;
    if (chosen) {
        const where = httpProxy ? 'the http-proxy input' : (fromEnv ?? 'the environment');
        const p = proxyUrl(chosen);
        return `through the proxy ${p ? p.host : '(unparsable URL)'} (from ${where})`;
    }
    const noProxy = proxySetting(env, 'bypass');
    if ((httpProxy || fromEnv) && noProxy && bypassesProxy(url, noProxy.value)) {
        return `directly, not through the configured proxy, because ${noProxy.variable} covers ${url.host}`;
    }
    return 'directly (no proxy configured)';
}

;// CONCATENATED MODULE: ./src/ecr/identity.ts
// Who the caller is, for a diagnosis: STS GetCallerIdentity with the same credentials (and proxy) as the
// call that failed. Best-effort and bounded: one attempt, a short timeout, undefined on any failure (its
// cause goes to the debug log). The STS client is loaded only when a diagnosis needs it.




/** The longest a diagnosis waits for STS, whatever api-timeout-seconds says. */
const IDENTITY_TIMEOUT_MS = 5_000;
async function identity_callerIdentity(settings, region, role, profile, timeoutMs = IDENTITY_TIMEOUT_MS) {
    const limit = Math.min(timeoutMs, settings.timeoutSeconds * 1000);
    let client;
    let timer;
    const ask = async () => {
        const { STSClient, GetCallerIdentityCommand } = await __webpack_require__.e(/* import() */ 695).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19));
        const once = { ...settings, maxAttempts: 1, timeoutSeconds: limit / 1000 };
        const config = await clientConfig(aws_env/* STS */.$E, region, false, once, role, profile);
        const sts = new STSClient(config);
        client = sts;
        const out = await sts.send(new GetCallerIdentityCommand({}));
        return out.Arn ? { arn: out.Arn, account: out.Account ?? '' } : undefined;
    };
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => resolve(undefined), limit + 500);
    });
    try {
        const asked = ask().catch((error) => {
            const raw = error?.stack ?? String(error);
            action_runner/* debug */.Yz(scrub(`STS GetCallerIdentity for the diagnosis failed: ${raw}`, settings.env, settings.httpProxy));
            return undefined;
        });
        return await Promise.race([asked, deadline]);
    }
    finally {
        clearTimeout(timer);
        client?.destroy();
    }
}
/** `arn:aws:sts::123456789012:assumed-role/ci/session` → the role's ARN `arn:aws:iam::123456789012:role/ci`. */
function roleArnOfSession(arn) {
    const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/.exec(arn);
    return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}
/** A short name for a principal: "role ci", "user alice", or the ARN itself. */
function principalName(arn) {
    const role = /:assumed-role\/([^/]+)\//.exec(arn)?.[1] ?? /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    if (role)
        return `role ${role}`;
    const user = /:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    if (user)
        return `user ${user}`;
    return arn;
}

;// CONCATENATED MODULE: ./src/diagnose/classify.ts
// Classifies a failed AWS call: the error's shape → a typed failure kind with the details a message needs.
// Pure: no I/O, no env, no clock. Facts (who the caller is, the route, the skew) are gathered elsewhere.

const THROTTLING = new Set([
    'ThrottlingException',
    'Throttling',
    'ThrottledException',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'SlowDown',
]);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException']);
const BAD_KEYS = new Set([
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch',
]);
const CLOCK = new Set(['RequestExpired', 'RequestTimeTooSkewed', 'RequestInTheFuture']);
const NETWORK_CODES = new Set([
    'ENOTFOUND',
    'EAI_AGAIN',
    'ECONNREFUSED',
    'ECONNRESET',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'ESOCKETTIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EPROTO',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO)/;
function errorCode(error) {
    const e = error;
    const name = e?.name && e.name !== 'Error' ? e.name : undefined;
    return name || e?.code || e?.name || 'Error';
}
function header(e, name) {
    const headers = e?.$response?.headers ?? {};
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    return key ? headers[key] : undefined;
}
function isNetworkError(e) {
    const code = e?.code ?? '';
    if (NETWORK_CODES.has(code) || TLS_CODE.test(code))
        return true;
    if (e?.name === 'TimeoutError')
        return true;
    if (e?.$metadata?.httpStatusCode !== undefined)
        return false;
    return /socket hang up|ECONNRESET|certificate|TLS|SSL/i.test(e?.message ?? '');
}
function networkDetail(e, message) {
    const code = e?.code ?? '';
    const at = {
        ...(e?.hostname ? { hostname: e.hostname } : {}),
        ...(e?.address ? { address: e.address } : {}),
        ...(e?.port ? { port: e.port } : {}),
    };
    if (e?.name === 'TimeoutError')
        return { kind: 'timeout', code: 'TimeoutError', ...at };
    if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
        return { kind: 'timeout', code, ...at };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        return { kind: 'dns', code, ...at };
    if (code === 'ECONNREFUSED')
        return { kind: 'refused', code, ...at };
    if (TLS_CODE.test(code) || /certificate|TLS|SSL/i.test(message))
        return { kind: 'tls', code, ...at };
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENETDOWN')
        return { kind: 'unreachable', code, ...at };
    return { kind: 'reset', code, ...at };
}
function kindOf(e, code, message) {
    // A proxy's own answer (the SDK cannot parse it: $response keeps the status).
    if ((e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode) === 407)
        return 'proxy-auth';
    if (code === 'CredentialsProviderError' || /Could not load credentials from any providers/i.test(message))
        return 'no-credentials';
    if (/Region is missing/i.test(message))
        return 'no-region';
    if (THROTTLING.has(code))
        return 'throttled';
    if (ACCESS_DENIED.has(code))
        return 'access-denied';
    if (EXPIRED.has(code))
        return 'expired';
    if (CLOCK.has(code) ||
        /Signature expired|Signature not yet current/i.test(message) ||
        (code === 'InvalidSignatureException' && /expired|skew/i.test(message)))
        return 'clock-skew';
    if (BAD_KEYS.has(code) || (code === 'InvalidSignatureException' && /does not match/i.test(message)))
        return 'bad-keys';
    if (isNetworkError(e))
        return 'network';
    if ((e?.$metadata?.httpStatusCode ?? 0) >= 500 || e?.$fault === 'server')
        return 'server';
    return 'other';
}
/** An AssumeRoleError (roles.ts), recognised by shape so a copy from another bundle chunk counts too. */
function assumedRole(e) {
    return typeof e?.role === 'string' && e.cause !== undefined ? e.role : undefined;
}
/** A ProfileError (profiles.ts), recognised by shape like an AssumeRoleError. */
function failedProfile(e) {
    return typeof e?.profile === 'string' && e.cause !== undefined ? e.profile : undefined;
}
function classify(error) {
    const e = error;
    const profile = failedProfile(e);
    if (profile !== undefined) {
        const cause = classify(e.cause);
        return { kind: 'profile', code: cause.code, message: cause.message, profile, cause };
    }
    const role = assumedRole(e);
    if (role !== undefined) {
        const cause = classify(e.cause);
        return {
            kind: 'assume-role',
            code: cause.code,
            message: cause.message,
            role,
            cause,
            ...(cause.requestId ? { requestId: cause.requestId } : {}),
        };
    }
    const code = errorCode(error);
    const message = oneLine(e?.message ?? String(error));
    const kind = kindOf(e, code, message);
    const requestId = e?.$metadata?.requestId ?? header(e, 'x-amzn-requestid');
    const failure = {
        kind,
        code,
        message,
        ...(requestId ? { requestId } : {}),
        ...(e?.$metadata?.attempts !== undefined ? { attempts: e.$metadata.attempts } : {}),
        ...(e?.$metadata?.httpStatusCode !== undefined ? { status: e.$metadata.httpStatusCode } : {}),
    };
    if (kind === 'network')
        failure.network = networkDetail(e, message);
    if (kind === 'clock-skew') {
        const date = header(e, 'date');
        if (date)
            failure.serverDate = date;
    }
    if (kind === 'access-denied') {
        const named = /\bUser: (arn:[^\s]+) is not authorized/.exec(message)?.[1];
        const denied = /not authorized to perform: ([\w-]+:[\w*]+)/.exec(message)?.[1];
        if (named)
            failure.namedPrincipal = named;
        if (denied)
            failure.deniedAction = denied;
        failure.explicitDeny = /explicit deny/i.test(message);
    }
    if (kind === 'bad-keys')
        failure.signatureMismatch = code === 'SignatureDoesNotMatch' || /does not match/i.test(message);
    return failure;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/diagnose/facts.ts
// Gathers the facts a diagnosis needs, by failure kind (I/O): the endpoint the SDK called, who the
// caller is (STS GetCallerIdentity), which credential files exist, which route the request took, and how
// far the local clock is from AWS's.








/** Seconds the local clock is behind (positive) or ahead of (negative) the server's Date header. */
function clockSkewSeconds(dateHeader, now = Date.now()) {
    if (!dateHeader)
        return undefined;
    const server = Date.parse(dateHeader);
    return Number.isNaN(server) ? undefined : Math.round((server - now) / 1000);
}
function credentialFiles(env) {
    const home = env.HOME || (0,external_node_os_.homedir)();
    const files = [
        [
            env.AWS_SHARED_CREDENTIALS_FILE ? 'AWS_SHARED_CREDENTIALS_FILE' : '~/.aws/credentials',
            env.AWS_SHARED_CREDENTIALS_FILE || (0,external_node_path_.join)(home, '.aws', 'credentials'),
        ],
        [
            env.AWS_CONFIG_FILE ? 'AWS_CONFIG_FILE' : '~/.aws/config',
            env.AWS_CONFIG_FILE || (0,external_node_path_.join)(home, '.aws', 'config'),
        ],
    ];
    return files.map(([label, path]) => `${label}: ${(0,external_node_fs_.existsSync)(path) ? 'present' : 'not found'}`).join(', ');
}
function route(failure, endpoint, settings) {
    const note = proxyNote(endpoint, settings.httpProxy, settings.env);
    let proxy;
    try {
        proxy = proxyUrl(proxyFor(endpoint, settings.httpProxy, settings.env));
    }
    catch {
        proxy = undefined;
    }
    const net = failure.network;
    if (!proxy || !net)
        return { note, ...(proxy ? { proxy } : {}), atProxy: false };
    const proxyPort = proxy.port || (proxy.protocol === 'https:' ? '443' : '80');
    const atProxy = (net.kind === 'refused' && net.address === proxy.hostname && String(net.port ?? '') === proxyPort) ||
        (net.kind === 'dns' && net.hostname === proxy.hostname);
    return { note, proxy, atProxy };
}
/** The facts for one failure: only what its kind's message uses is looked up. */
async function gatherFacts(failure, call, now = Date.now()) {
    const env = call.settings.env;
    const endpoint = await endpointFor(call.service, call.region, call.fips, env);
    const override = (0,aws_env/* endpointOverride */.Ku)(call.service, env);
    const facts = { endpoint, now, ...(override ? { endpointVariable: override.variable } : {}) };
    if (failure.kind === 'access-denied') {
        const who = await identity_callerIdentity(call.settings, call.region, call.role, call.profile);
        if (who?.arn)
            facts.principal = who.arn;
    }
    if (failure.kind === 'no-credentials')
        facts.credentialFiles = credentialFiles(env);
    if (failure.kind === 'network' || failure.kind === 'proxy-auth')
        facts.route = route(failure, endpoint, call.settings);
    if (failure.kind === 'clock-skew') {
        const skew = clockSkewSeconds(failure.serverDate, now);
        if (skew !== undefined)
            facts.skewSeconds = skew;
    }
    return facts;
}

;// CONCATENATED MODULE: ./src/diagnose/api.ts
// Turns a failed AWS call into one paragraph: what happened, the likely cause, the fix, and AWS's
// request ID. Three jobs: classify (classify.ts, pure), gather facts (facts.ts, I/O),
// render (here: failure + facts → message). Never quotes a secret or a credential variable's value:
// every message goes through message.ts's scrub.









/**
 * The message for a failed call. The raw error and its stack go to the debug log first, and a failure
 * inside the diagnosis itself falls back to the AWS error as it came (its own cause logged too).
 */
async function describeApiFailure(error, call) {
    const { env, httpProxy } = call.settings;
    action_runner/* debug */.Yz(scrub(`${call.action} in ${call.region} failed: ${stackOf(error)}`, env, httpProxy));
    const failure = classify(error);
    let text;
    try {
        text = await explain(failure, call);
    }
    catch (inner) {
        action_runner/* debug */.Yz(scrub(`The diagnosis itself failed: ${stackOf(inner)}`, env, httpProxy));
        text = `${call.action} failed in ${call.region}: ${failure.code}: ${failure.message}`;
    }
    const requestId = failure.requestId ?? failure.cause?.requestId;
    return finish(`${text}${requestId ? ` AWS request ID: ${requestId}.` : ''}`, env, httpProxy);
}
function stackOf(error) {
    const e = error;
    const own = typeof e?.stack === 'string' ? e.stack : String(error);
    return e?.cause !== undefined ? `${own}\nCaused by: ${stackOf(e.cause)}` : own;
}
async function explain(failure, call) {
    if (failure.kind === 'assume-role' && failure.cause)
        return assumeRoleFailure(failure, failure.cause, call);
    return render(failure, await gatherFacts(failure, call), call);
}
/** Kind + facts → the paragraph (before scrubbing). Pure. */
function render(failure, facts, call) {
    switch (failure.kind) {
        case 'no-credentials':
            return missingCredentials(failure, facts, call);
        case 'no-region':
            return missingRegion(failure, call);
        case 'throttled':
            return throttled(failure, facts, call);
        case 'access-denied':
            return accessDenied(failure, facts, call);
        case 'expired':
            return expired(failure, facts, call);
        case 'clock-skew':
            return clockSkew(failure, facts, call);
        case 'bad-keys':
            return badKeys(failure, facts, call);
        case 'network':
            return network(failure, facts, call);
        case 'server':
            return serverError(failure, facts, call);
        case 'proxy-auth':
            return `${head(call, facts)}: ${facts.route?.proxy ? proxyRefusal(facts.route.proxy.href) : 'a proxy on the way answered 407 Proxy Authentication Required'}.`;
        case 'profile':
            return profileFailure(failure, facts, call);
        default:
            return `${head(call, facts)}: ${failure.code}: ${failure.message}`;
    }
}
function head(call, facts) {
    return `${call.action} failed in ${call.region} (${display_redactUserinfo(facts.endpoint)})`;
}
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return url;
    }
}
/** A registry-profiles profile gave no credentials: the SDK's reason, and where the profile lives. */
function profileFailure(failure, facts, call) {
    const profile = failure.profile ?? '';
    return (`${head(call, facts)}: ${failure.code}: profile ${profile} (registry-profiles) gave no credentials, ` +
        `so no token was fetched. The SDK said: ${sentence(failure.message)} ` +
        `Fix: check profile ${profile} in ${profileFiles(call.settings.env)}: its keys, or its role_arn with ` +
        'source_profile, web_identity_token_file, sso_session or credential_process, and the step that wrote it.');
}
function attemptsOf(failure, call) {
    return failure.attempts ?? call.settings.maxAttempts;
}
function policyFor(action) {
    const actions = action.startsWith('ecr-public:') || action === 'sts:GetServiceBearerToken'
        ? '["ecr-public:GetAuthorizationToken","sts:GetServiceBearerToken"]'
        : `"${action}"`;
    return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":${actions},"Resource":"*"}]}`;
}
function accessDenied(failure, facts, call) {
    const principal = facts.principal ?? failure.namedPrincipal;
    const denied = failure.deniedAction ?? call.action;
    const who = principal ?? 'an unknown principal (STS GetCallerIdentity did not answer)';
    const holder = principal ? principalName(principal) : 'the principal';
    const via = call.role ? ` (role ${call.role} from registry-roles)` : '';
    const cause = failure.explicitDeny
        ? `an explicit Deny (in an identity policy, a permissions boundary or an organization SCP) blocks ${denied}; no Allow can override it.`
        : `no policy of ${holder} allows ${denied}; ${call.service === aws_env/* ECR_PUBLIC */.xB
            ? 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken must both be allowed on Resource "*"'
            : 'ecr:GetAuthorizationToken must be allowed on Resource "*" (it cannot be scoped to a repository)'}.`;
    const fix = failure.explicitDeny
        ? `remove or narrow the Deny on ${denied} for ${holder}.`
        : `attach to ${holder} a policy such as ${policyFor(denied)}; pulls also need ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repositories, pushes the upload actions.`;
    return (`${head(call, facts)}: ${failure.code}: ${denied} was denied for ${who}${via}. AWS said: ${sentence(failure.message)} ` +
        `Cause: ${cause} Fix: ${fix}`);
}
function expired(failure, facts, call) {
    const env = call.settings.env;
    const source = env.AWS_WEB_IDENTITY_TOKEN_FILE
        ? 'the web identity session'
        : env.AWS_SESSION_TOKEN
            ? 'the temporary credentials in AWS_SESSION_TOKEN'
            : "the job's temporary credentials";
    return (`${head(call, facts)}: ${failure.code}: the job's AWS session has expired (${failure.message}). ` +
        `Cause: ${source} outlived their session; aws-actions/configure-aws-credentials issues 1-hour sessions by default, ` +
        'and long builds before this step use them up. ' +
        'Fix: run configure-aws-credentials again right before this step, or lengthen its session with role-duration-seconds ' +
        "(up to the role's maximum session duration, which IAM lets you raise to 12 hours).");
}
/** Names of the credential variables set in `env`, and what is odd about them (names and key types only). */
function credentialVariablesNote(env) {
    const set = aws_env/* CREDENTIAL_VARIABLES */.eB.filter((n) => env[n]?.trim());
    const notes = [];
    const key = env.AWS_ACCESS_KEY_ID?.trim() ?? '';
    const token = !!(env.AWS_SESSION_TOKEN?.trim() || env.AWS_SECURITY_TOKEN?.trim());
    if (key.startsWith('ASIA') && !token)
        notes.push('the access key is a temporary one (ASIA…) but no AWS_SESSION_TOKEN is set');
    if (key.startsWith('AKIA') && token)
        notes.push('the access key is a long-term one (AKIA…) yet an AWS_SESSION_TOKEN is set, left over from another session');
    if (key && !env.AWS_SECRET_ACCESS_KEY?.trim())
        notes.push('AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY');
    if (!key && env.AWS_SECRET_ACCESS_KEY?.trim())
        notes.push('AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID');
    if (key && env.AWS_PROFILE?.trim())
        notes.push('AWS_PROFILE is set too, so the SDK signs with that profile and skips the environment keys');
    else if (key && env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim())
        notes.push('the environment keys take precedence over the web identity settings');
    const list = set.length > 0 ? set.join(', ') : 'none';
    return `AWS credential variables set in this step: ${list}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}
function badKeys(failure, facts, call) {
    const via = call.role
        ? ` The call was signed with the credentials of role ${call.role} (registry-roles).`
        : '';
    return (`${head(call, facts)}: ${failure.code}: AWS did not accept the credentials (${failure.message}).${via} ` +
        `Cause: ${failure.signatureMismatch ? 'the secret key does not belong to the access key' : 'the access key is invalid (deleted, rotated or mistyped)'}, ` +
        'or keys were mixed from different sessions (e.g. an AWS_SESSION_TOKEN from another configure-aws-credentials run); ' +
        `an opt-in region that is not enabled for the account answers the same. ${credentialVariablesNote(call.settings.env)}. ` +
        'Fix: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN together from one source ' +
        '(one configure-aws-credentials step, or one set of secrets), and unset leftovers from earlier steps.');
}
function clockSkew(failure, facts, call) {
    const skew = facts.skewSeconds;
    const local = new Date(facts.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    let measured;
    if (skew === undefined) {
        measured = 'the response carried no Date header to compare the local clock with';
    }
    else {
        const direction = skew >= 0 ? 'behind' : 'ahead of';
        measured =
            `this runner's clock is ${Math.abs(skew)} s ${direction} AWS (local ${local}, AWS Date header ${failure.serverDate})` +
                (Math.abs(skew) < 240
                    ? '; that is within the 5 minutes AWS allows now, so the clock was probably corrected while the request was in flight or a proxy held it for minutes'
                    : '');
    }
    return (`${head(call, facts)}: ${failure.code}: AWS refused the request signature as expired (${failure.message}). ` +
        `Cause: clock skew: ${measured}; AWS refuses signatures more than 5 minutes off its clock. ` +
        "Fix: synchronise the runner's clock (chrony / systemd-timesyncd on self-hosted runners; the host's clock for containers and VMs).");
}
function throttled(failure, facts, call) {
    const attempts = attemptsOf(failure, call);
    return (`${head(call, facts)}: ${failure.code}: AWS throttled the call on all ${attempts} attempt${attempts === 1 ? '' : 's'} (${failure.message}). ` +
        'Cause: too many calls at once in this account and region, typically many jobs logging in simultaneously. ' +
        `Fix: raise max-attempts (now ${call.settings.maxAttempts}, at most 10) so the SDK backs off longer, or run fewer concurrent jobs ` +
        '(a concurrency group or strategy.max-parallel), or log in once per workflow instead of per job.');
}
function serverError(failure, facts, call) {
    const attempts = attemptsOf(failure, call);
    const status = failure.status;
    return (`${head(call, facts)}: ${failure.code}: AWS answered ${status ? `HTTP ${status}` : 'a server error'} on all ${attempts} attempt${attempts === 1 ? '' : 's'} (${failure.message}). ` +
        'Cause: a service-side problem, or a proxy in between that fails. ' +
        `Fix: re-run the job; if it persists check the AWS Health Dashboard for ${call.region}, or raise max-attempts (now ${call.settings.maxAttempts}).`);
}
/** What went wrong on the wire, in words. */
function networkWhat(failure, target, timeoutSeconds) {
    const net = failure.network;
    const code = net?.code ?? '';
    const detail = `${code ? `${code}: ` : ''}${failure.message}`;
    switch (net?.kind) {
        case 'timeout':
            return `no answer from ${target} within ${timeoutSeconds} s (${code})`;
        case 'dns':
            return `DNS lookup of ${net.hostname ?? target} failed (${code})`;
        case 'refused': {
            const at = net.address ? `${net.address}${net.port ? `:${net.port}` : ''}` : target;
            return `the connection to ${at} was refused (ECONNREFUSED)`;
        }
        case 'tls':
            return `the TLS handshake with ${target} failed (${detail})`;
        case 'unreachable':
            return `${target} is unreachable from this runner (${code})`;
        default:
            return `the connection to ${target} broke (${detail})`;
    }
}
function network(failure, facts, call) {
    const { settings, service, region } = call;
    const host = hostOf(facts.endpoint);
    const attempts = attemptsOf(failure, call);
    const route = facts.route;
    const kind = route?.atProxy ? 'proxy' : (failure.network?.kind ?? 'reset');
    const proxySource = settings.httpProxy ? 'the http-proxy input' : 'HTTPS_PROXY / HTTP_PROXY';
    const overridden = facts.endpointVariable;
    const vpc = service === aws_env/* ECR_PUBLIC */.xB
        ? 'ECR Public is reached over the internet, so the runner needs egress or a proxy to it'
        : `in a VPC without internet egress use a VPC interface endpoint (com.amazonaws.${region}.${service === aws_env/* STS */.$E ? 'sts' : 'ecr.api'}) with private DNS enabled, or set ${service.endpointVariable} to its DNS name`;
    const causes = {
        timeout: 'packets are dropped on the way (security group, NACL or firewall egress on port 443), the proxy does not answer, or the network is very slow',
        dns: `the runner cannot resolve the host: no DNS for it${overridden ? ` (check ${overridden} for a typo)` : ''}, or a VPC endpoint whose private DNS is off`,
        refused: `nothing listens there${overridden ? ` (check the port in ${overridden})` : ''}, or the proxy is not running`,
        tls: 'a TLS-inspecting proxy or firewall presents a certificate Node does not trust, or the endpoint does not speak TLS on that port',
        unreachable: 'no route from this runner to the host (no internet egress, or a private subnet without NAT)',
        reset: 'a proxy or firewall closed the connection, or the endpoint is not an AWS API',
        proxy: `the proxy ${route?.proxy?.host ?? ''} itself is not reachable: it is not running, or its URL is wrong`,
    };
    const fixes = {
        timeout: `allow egress to ${hostPort(facts.endpoint)}, set the proxy (http-proxy input or HTTPS_PROXY; NO_PROXY for exceptions), or raise api-timeout-seconds (now ${settings.timeoutSeconds}) / max-attempts (now ${settings.maxAttempts})`,
        dns: 'behind a corporate proxy set the http-proxy input or HTTPS_PROXY',
        refused: 'check the endpoint and proxy settings',
        tls: `point NODE_EXTRA_CA_CERTS at your organisation's CA bundle in the job env (it is read when node starts), or correct the scheme/port of ${service.endpointVariable}`,
        unreachable: 'give the runner egress (NAT gateway) or a proxy (http-proxy input / HTTPS_PROXY)',
        reset: 'check the proxy and firewall logs for this host',
        proxy: `correct the proxy URL in ${proxySource}, or exempt ${host} with NO_PROXY`,
    };
    return (`${head(call, facts)}: ${networkWhat(failure, host, settings.timeoutSeconds)}, ${attempts === 1 ? 'on the only attempt' : `on all ${attempts} attempts`}; ` +
        `the request went ${route?.note ?? 'no proxy'}${overridden ? ` to the endpoint set by ${overridden}` : ''}. ` +
        `Cause: ${causes[kind]}. Fix: ${fixes[kind]}; ${vpc}.`);
}
function missingCredentials(failure, facts, call) {
    const env = call.settings.env;
    const isSet = (...names) => names.map((n) => `${n} ${env[n]?.trim() ? 'set' : 'not set'}`).join(', ');
    const imds = /^true$/i.test(env.AWS_EC2_METADATA_DISABLED ?? '')
        ? 'disabled by AWS_EC2_METADATA_DISABLED'
        : 'no answer (not an EC2 instance, or IMDS blocked)';
    const oidc = env.ACTIONS_ID_TOKEN_REQUEST_URL
        ? 'the job can request an OIDC token'
        : 'this job cannot request an OIDC token (no `id-token: write` permission)';
    const has = (n) => !!env[n]?.trim();
    const keys = has('AWS_ACCESS_KEY_ID') && has('AWS_SECRET_ACCESS_KEY');
    const skipped = keys && has('AWS_PROFILE') ? ', skipped because AWS_PROFILE is set' : '';
    const cause = has('AWS_PROFILE')
        ? 'AWS_PROFILE is set, so the SDK looked only for that profile (not the environment keys), and the shared files do not define it with credentials'
        : has('AWS_ACCESS_KEY_ID') !== has('AWS_SECRET_ACCESS_KEY')
            ? 'only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; the SDK needs both'
            : 'no earlier step configured AWS credentials for this job';
    return (`${head(call, facts)}: ${failure.code}: no AWS credentials were found (${failure.message}). Sources tried: ` +
        `environment keys (${isSet('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY')}${skipped}); ` +
        `web identity / OIDC (${isSet('AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN')}; ${oidc}); ` +
        `profile and shared files incl. SSO and credential_process (${isSet('AWS_PROFILE')}; ${facts.credentialFiles ?? 'not checked'}); ` +
        `container credentials (${isSet('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI')}); ` +
        `EC2 instance metadata (${imds}). ` +
        `Cause: ${cause}. ` +
        `Fix: ${has('AWS_PROFILE') ? 'unset AWS_PROFILE or define that profile; otherwise ' : ''}` +
        'add aws-actions/configure-aws-credentials before this step with role-to-assume and give the job `permissions: id-token: write` (OIDC), ' +
        'or pass AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from secrets.');
}
function missingRegion(failure, call) {
    return (`${call.action} failed: no region (${failure.message}). Checked: the \`region\` input, AWS_REGION and AWS_DEFAULT_REGION. ` +
        'Fix: set one of them, or list registries by host (which carries its region).');
}
async function assumeRoleFailure(failure, cause, call) {
    const role = failure.role ?? '';
    const stsCall = {
        service: aws_env/* STS */.$E,
        action: 'sts:AssumeRole',
        region: call.region,
        fips: false,
        // The role is assumed with the step's own credentials or its profile's: ask STS who those are, not the role.
        settings: { ...call.settings, credentialsFor: undefined },
        ...(call.profile ? { profile: call.profile } : {}),
    };
    if (cause.kind !== 'access-denied') {
        return `Could not assume ${role} for ${call.action}: ${await explain(cause, stsCall)}`;
    }
    const facts = await gatherFacts(cause, stsCall);
    const principal = facts.principal ?? cause.namedPrincipal;
    const who = principal ?? 'an unknown principal (STS GetCallerIdentity did not answer)';
    const trusted = principal ? (roleArnOfSession(principal) ?? principal) : '<your role ARN>';
    const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(role)?.[1] ?? role;
    const holder = principal ? principalName(principal) : 'the caller';
    return (`${head(stsCall, facts)}: ${cause.code}: ${who} may not assume ${role} (registry-roles), so no token was fetched for ${call.action}. ` +
        `AWS said: ${sentence(cause.message)} ` +
        `Cause: the trust policy of role ${roleName} does not allow this principal, or ${holder} lacks sts:AssumeRole on the role. ` +
        `Fix: add to the trust policy of ${roleName} {"Effect":"Allow","Principal":{"AWS":"${trusted}"},"Action":"sts:AssumeRole"}, ` +
        `and allow sts:AssumeRole on ${role} in the policies of ${holder}.`);
}

;// CONCATENATED MODULE: ./src/ecr/roles.ts
// registry-roles: the token for a registry is fetched with a role assumed from the step's own
// credentials, or from a registry-profiles profile's. One AssumeRole per (profile, role) however many
// regions use it; the STS client is loaded only when a role is configured.




/** AssumeRole failed: carries the role so the diagnosis can name it (the SDK error alone does not). */
class AssumeRoleError extends Error {
    role;
    cause;
    constructor(role, cause) {
        super(`could not assume ${role}: ${cause?.message ?? String(cause)}`);
        this.role = role;
        this.cause = cause;
        this.name = cause?.name || 'AssumeRoleError';
    }
}
/** Session names show up in CloudTrail: tie them to the workflow run. */
function sessionName(env) {
    const run = env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}` : 'local';
    return `ecr-login-${run}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
async function assume(role, region, settings, mask, profile) {
    const { STSClient, AssumeRoleCommand } = await __webpack_require__.e(/* import() */ 695).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19));
    const client = new STSClient(await clientConfig(aws_env/* STS */.$E, region, false, settings, undefined, profile));
    try {
        const out = await client.send(new AssumeRoleCommand({
            RoleArn: role,
            RoleSessionName: sessionName(settings.env),
            DurationSeconds: 900,
        }));
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
            throw new Error('STS returned no credentials');
        mask(c.SecretAccessKey);
        if (c.SessionToken)
            mask(c.SessionToken);
        return {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
            ...(c.Expiration ? { expiration: c.Expiration } : {}),
        };
    }
    catch (error) {
        // The profile's own credentials failed: that is the cause to diagnose, not the role.
        if (error instanceof ProfileError)
            throw error;
        throw new AssumeRoleError(role, error);
    }
    finally {
        client.destroy();
    }
}
/**
 * A credentials factory for ApiSettings.credentialsFor, assuming each role once per profile with `base`:
 * the step's own settings, whose calls are signed by the SDK's default chain or by a registry-profiles
 * profile (never by another role). `mask` hides the session's secrets in the log (the credential helper
 * passes a no-op: its stdout is the protocol's answer).
 */
function roleAssumer(base, mask = action_runner/* setSecret */.Pq) {
    const cache = new Map();
    return (role, region, profile) => () => {
        const key = JSON.stringify([profile, role]);
        let pending = cache.get(key);
        if (!pending) {
            pending = assume(role, region, base, mask, profile);
            cache.set(key, pending);
        }
        return pending;
    };
}

;// CONCATENATED MODULE: ./src/ecr/token-plan.ts
// Plans the GetAuthorizationToken calls: registries grouped per call, or the caller's default registry. Pure.


/** The API's limit on `registryIds` per call. */
const MAX_REGISTRY_IDS = 10;
/**
 * The token requests for these settings, each registry with its role and profile, an alias's registry
 * included; with no registry at all, one request for the caller's own default registry in the region (a
 * private request with no registries).
 */
function planTokens(settings) {
    const { roles, profiles, region } = settings;
    const registries = tokenRegistries(settings.registries, settings.aliases);
    if (registries.length === 0 && region) {
        const partition = partitionOfRegion(region);
        return [{ kind: 'private', partition, region, fips: false, registryIds: [], registries: [] }];
    }
    return planTokenRequests(registries, (r) => roles.get(r.host), (r) => profiles.get(r.host));
}
/** How a message names the credentials that sign a request (or fetched a credential): profile, role. */
function token_plan_signedWith(x) {
    return [x.profile && `profile ${x.profile}`, x.role && `role ${x.role}`].filter(Boolean).join(', ');
}
/**
 * One private request per (credentials, partition, region, fips), the credentials being the profile
 * and role, split into chunks of at most MAX_REGISTRY_IDS accounts; one public request per credentials
 * (ECR Public's token covers every public host). Dual-stack is not in the key: one token serves both
 * hosts of a region. Requests come in first-seen order. An empty role or profile counts as none.
 */
function planTokenRequests(registries, roleOf, profileOf) {
    const requests = new Map();
    for (const r of registries) {
        const role = roleOf?.(r) || undefined;
        const profile = profileOf?.(r) || undefined;
        const signer = { ...(role === undefined ? {} : { role }), ...(profile === undefined ? {} : { profile }) };
        if (r.kind === 'public') {
            const key = JSON.stringify(['public', role, profile]);
            const request = requests.get(key) ?? {
                kind: 'public',
                region: 'us-east-1',
                ...signer,
                registries: [],
            };
            if (request.kind === 'public')
                request.registries.push(r);
            requests.set(key, request);
        }
        else {
            const key = JSON.stringify([r.partition, r.region, r.fips, role, profile]);
            const request = requests.get(key) ?? {
                kind: 'private',
                partition: r.partition,
                region: r.region,
                fips: r.fips,
                ...signer,
                registryIds: [],
                registries: [],
            };
            if (request.kind === 'private') {
                if (!request.registryIds.includes(r.account))
                    request.registryIds.push(r.account);
                request.registries.push(r);
            }
            requests.set(key, request);
        }
    }
    return [...requests.values()].flatMap((request) => request.kind === 'private' ? split(request) : [request]);
}
/** Consecutive chunks of MAX_REGISTRY_IDS accounts, each with the registries of its accounts. */
function split(request) {
    if (request.registryIds.length <= MAX_REGISTRY_IDS)
        return [request];
    const chunks = [];
    for (let i = 0; i < request.registryIds.length; i += MAX_REGISTRY_IDS) {
        const ids = request.registryIds.slice(i, i + MAX_REGISTRY_IDS);
        chunks.push({
            ...request,
            registryIds: ids,
            registries: request.registries.filter((r) => ids.includes(r.account)),
        });
    }
    return chunks;
}

;// CONCATENATED MODULE: ./src/ecr/tokens.ts
// Fetches every planned token at once and decodes the answers into docker credentials, one more per
// alias. A failed request becomes one diagnosed failure per registry it was for; the others go on.











/**
 * The token API's settings (main's fetch and the credential helper's refresh). Profiles resolve with the
 * base settings (their STS calls use our proxy and timeouts); roles are assumed with the step's own
 * credentials or a profile's: the STS client gets the settings without roles.
 */
function apiSettings(limits, env, signing) {
    const base = {
        maxAttempts: limits.maxAttempts,
        timeoutSeconds: limits.apiTimeoutSeconds,
        env,
        ...(limits.httpProxy ? { httpProxy: limits.httpProxy } : {}),
    };
    const withProfiles = signing.profiles
        ? { ...base, profileCredentials: profileResolver(base, signing.region) }
        : base;
    return signing.roles
        ? { ...withProfiles, credentialsFor: roleAssumer(withProfiles, signing.mask) }
        : withProfiles;
}
function describeRequest(request) {
    const what = request.kind === 'public' ? 'ECR Public' : request.registryIds.join(', ') || 'the default registry';
    const fips = request.kind === 'private' && request.fips ? ' (FIPS)' : '';
    const signer = signedWith(request);
    return `GetAuthorizationToken in ${request.region}${fips} for ${what}${signer ? ` with ${signer}` : ''}`;
}
/** What went wrong with a planned request's call, diagnosed (main's fetch and the helper's refresh). */
function describeTokenFailure(request, error, api) {
    const service = request.kind === 'public' ? aws_env/* ECR_PUBLIC */.xB : aws_env/* ECR */.Tj;
    return describeApiFailure(error, {
        service,
        action: `${service.id}:GetAuthorizationToken`,
        region: request.region,
        fips: request.kind === 'private' && request.fips,
        settings: api,
        ...(request.role ? { role: request.role } : {}),
        ...(request.profile ? { profile: request.profile } : {}),
    });
}
async function failuresOf(request, error, api) {
    const message = await describeTokenFailure(request, error, api);
    return failureRows(request, message);
}
/** One failure per registry of a request (the default registry is named by its region). */
function failureRows(request, message) {
    if (request.registries.length === 0) {
        return [{ host: `default registry in ${request.region}`, region: request.region, message }];
    }
    return request.registries.map((r) => ({
        host: r.host,
        ...(r.kind === 'private' ? { account: r.account } : {}),
        region: request.region,
        message,
    }));
}
/** An empty answer says who asked (only STS knows): the principal has no registry in that region. */
async function answerProblem(problem, data, request, api) {
    if (data.length > 0)
        return problem;
    const principal = await callerIdentity(api, request.region, request.role, request.profile);
    return principal ? `${problem} (called as ${principal.arn})` : problem;
}
/**
 * The tokens for the planned requests. A profile the shared files do not define is an input error,
 * found before any call.
 */
async function fetchTokens(requests, settings, env, getToken) {
    const badProfile = await checkProfiles(settings.profiles.values(), env);
    if (badProfile)
        throw new InputError([badProfile]);
    const api = apiSettings(settings, env, {
        roles: settings.roles.size > 0,
        profiles: settings.profiles.size > 0,
        region: settings.region ?? 'us-east-1',
    });
    const order = (r) => settings.registries.indexOf(r);
    const failures = [];
    const results = await Promise.all(requests.map(async (request) => {
        runner.debug(describeRequest(request));
        try {
            const answer = await getToken(request, api);
            // Checked before anything (a mask, a log line) reads it.
            const checked = validateAuthorizationData(answer.data, request);
            if ('problem' in checked) {
                failures.push(...failureRows(request, await answerProblem(checked.problem, answer.data, request, api)));
                return [];
            }
            return credentialsFor(request, checked.ok, order, settings.maskPassword, runner.setSecret);
        }
        catch (error) {
            failures.push(...(await failuresOf(request, error, api)));
            return [];
        }
    }));
    // An alias's registry is logged in only when `registries` lists it too.
    const listed = new Set(settings.registries.map((r) => r.host));
    const all = results.flat();
    const own = all.filter((c) => c.registry === undefined || listed.has(c.registry));
    const aliases = aliasCredentials(all, settings.aliases, settings.registries.length);
    return { credentials: orderCredentials([...own, ...aliases]), failures };
}

// EXTERNAL MODULE: ./src/helper/cache.ts
var cache = __webpack_require__(4806);
;// CONCATENATED MODULE: ./src/helper/refresh.ts
// Renews one host's cached token: the host's token request again, signed with the AWS credentials of the
// client that asked (so a later configure-aws-credentials step, an instance profile or pod identity is
// followed). The credential helper loads this module, and with it the AWS SDK, only for a refresh.





/**
 * Makes `env` the environment a refresh runs in: the client's, with main's endpoint and proxy settings in
 * place of its own, and main's AWS_PROFILE when the client names neither a profile nor keys. It changes
 * `env` in place because the SDK reads process.env itself (endpoints, credential chain): the helper is a
 * process that answers one call and exits.
 */
function adoptRecordedSettings(entry, env) {
    const clientNamesCredentials = !!(env.AWS_PROFILE?.trim() || env.AWS_ACCESS_KEY_ID?.trim());
    for (const name of cache/* RECORDED_VARIABLES */.Ts)
        delete env[name];
    Object.assign(env, entry.settings.env);
    const { profile } = entry.settings;
    if (profile && !clientNamesCredentials)
        env.AWS_PROFILE = profile;
}
/** The GetAuthorizationToken call for this host alone (its own account, when it has one). */
function tokenRequest(entry) {
    const r = entry.request;
    const role = { ...(r.role ? { role: r.role } : {}), ...(r.profile ? { profile: r.profile } : {}) };
    if (r.kind === 'public')
        return { kind: 'public', region: 'us-east-1', ...role, registries: [] };
    return {
        kind: 'private',
        partition: r.partition,
        region: r.region,
        fips: r.fips,
        ...role,
        registryIds: r.account ? [r.account] : [],
        registries: [],
    };
}
/**
 * The entry with a fresh token, fetched with the AWS credentials in `env` (process.env in the helper,
 * adopted as above). A failure throws one line with the cause and the fix (nothing secret).
 */
async function refreshEntry(entry, env) {
    adoptRecordedSettings(entry, env);
    // No masking: stdout is the protocol's channel, and nothing of a role's session is printed.
    const { maxAttempts, timeoutSeconds, httpProxy } = entry.settings;
    const noMask = () => { };
    const settings = apiSettings({ maxAttempts, apiTimeoutSeconds: timeoutSeconds, httpProxy }, env, {
        roles: !!entry.request.role,
        profiles: !!entry.request.profile,
        region: entry.request.region,
        mask: noMask,
    });
    const request = tokenRequest(entry);
    let answer;
    try {
        answer = await getAuthorizationToken(request, settings);
    }
    catch (error) {
        throw new Error(`cannot refresh the ECR token: ${await describeTokenFailure(request, error, settings)}`);
    }
    // Checked before anything reads it, as main checks its answer.
    const checked = token_answer_validateAuthorizationData(answer.data, request);
    if ('problem' in checked)
        throw new Error(`cannot refresh the ECR token: ${checked.problem}`);
    const account = entry.request.kind === 'private' ? entry.request.account : undefined;
    const found = (account &&
        checked.ok.find((d) => (d.proxyEndpoint ?? '').replace(/^https?:\/\//i, '').startsWith(`${account}.`))) ||
        (checked.ok.length === 1 ? checked.ok[0] : undefined);
    if (!found?.authorizationToken)
        throw new Error('cannot refresh the ECR token: the answer has no authorization token for this registry');
    const { username, password } = decodeToken(found.authorizationToken, false, noMask);
    const expiresAt = found.expiresAt ?? new Date(Date.now() + 12 * 3600_000);
    return { ...entry, username, password, expiresAt: expiresAt.toISOString() };
}


/***/ })

};
