// The VNC page of websockify for Jakarta EE, on top of noVNC's RFB API.
//
// The page opens the WebSocket itself (instead of handing noVNC a URL) so that it sees the close code and reason
// the proxy sends and whether the upgrade succeeded at all; noVNC's own events do not carry them.
import RFB, { KeyTable } from './novnc/rfb.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// ---------------------------------------------------------------------------------------------------------------
// Settings: URL parameters win over what this browser remembered.

const STORE = 'websockify.vnc.';
function remembered(name, fallback) {
    try {
        return localStorage.getItem(STORE + name) ?? fallback;
    } catch {
        return fallback; // storage disabled
    }
}
function remember(name, value) {
    try {
        localStorage.setItem(STORE + name, String(value));
    } catch {
        // storage disabled: the setting lasts for this page only
    }
}
function flag(name, fallback) {
    const v = params.get(name);
    if (v === null) {
        return fallback;
    }
    return v === '' || /^(1|true|yes|on)$/i.test(v);
}
function int(name, fallback, min, max) {
    const v = Number.parseInt(params.get(name) ?? '', 10);
    return Number.isNaN(v) ? fallback : Math.min(max, Math.max(min, v));
}

const RESIZE_MODES = ['scale', 'remote', 'off'];
const settings = {
    path: params.get('path'),                    // overrides the server's route, relative to this page
    token: params.get('token') ?? '',
    autoconnect: flag('autoconnect', false),
    resize: RESIZE_MODES.includes(params.get('resize')) ? params.get('resize')
        : RESIZE_MODES.includes(remembered('resize')) ? remembered('resize') : 'scale',
    viewOnly: flag('view_only', remembered('view_only') === 'true'),
    reconnect: flag('reconnect', remembered('reconnect') === 'true'),
    reconnectDelay: int('reconnect_delay', 5000, 500, 600000),
    shared: flag('shared', true),
    quality: int('quality', 6, 0, 9),
    compression: int('compression', 2, 0, 9),
};

// ---------------------------------------------------------------------------------------------------------------
// The WebSocket address.

/**
 * The WebSocket URL for a route path relative to the page: same host and port, ws or wss after the page's
 * scheme, the token in place of {token} or as ?token=. A path that leaves this server is refused: the token and
 * the VNC password would go to someone else.
 */
export function websocketUrl(pageUrl, path, token) {
    const page = new URL(pageUrl);
    let p = path;
    const templated = p.includes('{token}');
    if (templated) {
        p = p.replaceAll('{token}', encodeURIComponent(token));
    }
    const url = new URL(p, page);
    if (url.origin !== page.origin) {
        throw new Error(`the WebSocket path "${path}" points away from this server`);
    }
    if (token && !templated) {
        url.searchParams.set('token', token);
    }
    url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    return url.href;
}

async function routePath() {
    if (settings.path) {
        return settings.path;
    }
    try {
        const r = await fetch(new URL('websockify-config.json', location.href), { cache: 'no-cache' });
        if (r.ok) {
            const cfg = await r.json();
            if (typeof cfg.path === 'string' && cfg.path) {
                return cfg.path;
            }
        }
    } catch {
        // no config (page served from a plain directory): the default route below
    }
    return 'websockify';
}

// ---------------------------------------------------------------------------------------------------------------
// Why a connection ended, in words. The reasons are the proxy's close texts (upstream websockify's first two).

/** @returns {{reason: string, text: string}} */
export function explainEnd(end) {
    if (end.user) {
        return { reason: 'user', text: 'Disconnected.' };
    }
    if (end.security) {
        const said = end.security.reason ? ` (the server said: ${end.security.reason})` : '';
        return { reason: 'auth', text: `Wrong password, or the VNC server refused the login${said}.` };
    }
    const close = end.close;
    if (!end.opened) {
        // The upgrade never happened: HTTP error (404 for an unknown token, 403, 5xx) or nobody listening.
        return {
            reason: 'refused',
            text: 'Could not connect: unknown token, or the proxy refused the connection'
                + ' (check the token and the address).',
        };
    }
    if (!close) {
        return {
            reason: 'protocol',
            text: 'The connection failed: the VNC handshake went wrong (see the browser console).',
        };
    }
    const r = close.reason || '';
    if (close.code === 1011 && r === 'Failed to connect to downstream server') {
        return {
            reason: 'target-unreachable',
            text: 'The proxy could not reach the VNC server (target unreachable).',
        };
    }
    if (close.code === 1011 && r.startsWith('Target connection lost')) {
        const why = r.slice('Target connection lost'.length).replace(/^:\s*/, '');
        return {
            reason: 'target-lost',
            text: `The proxy lost its connection to the VNC server${why ? ': ' + why : ''}.`,
        };
    }
    if (close.code === 1000 && r === 'Target closed') {
        return { reason: 'target-closed', text: 'The VNC server closed the connection.' };
    }
    if (close.code === 1001) {
        return { reason: 'shutdown', text: 'The proxy is shutting down or restarting.' };
    }
    if (close.code === 1008) {
        return { reason: 'policy', text: `The proxy refused the connection${r ? ': ' + r : ''}.` };
    }
    if (close.code === 1006) {
        return { reason: 'lost', text: 'The connection to the proxy was lost.' };
    }
    return { reason: 'closed', text: `The connection was closed (code ${close.code}${r ? ': ' + r : ''}).` };
}

// ---------------------------------------------------------------------------------------------------------------
// The page.

let rfb = null;
let current = null;          // what we know about the connection in progress: {opened, close, security, user}
let reconnectTimer = null;
let desktopName = '';
const held = new Set();      // modifier keys held down from the Keys menu

function setState(state, text, reason) {
    document.body.dataset.state = state;
    if (reason) {
        document.body.dataset.reason = reason;
    } else {
        delete document.body.dataset.reason;
    }
    $('status').textContent = text;
    const live = state === 'connecting' || state === 'password' || state === 'connected';
    $('connect').hidden = live;
    $('token').disabled = live;
    $('disconnect').hidden = !live;
}

async function connect() {
    cancelReconnect();
    if (rfb) {
        return;
    }
    const token = $('token').value.trim();
    rememberToken(token);
    let url;
    try {
        url = websocketUrl(location.href, await routePath(), token);
    } catch (e) {
        setState('failed', `Cannot connect: ${e.message}.`, 'config');
        return;
    }
    setState('connecting', 'Connecting…');
    const end = { opened: false, close: null, security: null, user: false };
    current = end;
    const ws = new WebSocket(url, ['binary']);
    ws.binaryType = 'arraybuffer';
    // Registered before noVNC attaches its handlers, so these run first.
    ws.addEventListener('open', () => { end.opened = true; });
    ws.addEventListener('close', (e) => { end.close = { code: e.code, reason: e.reason }; });

    try {
        rfb = new RFB($('screen'), ws, { shared: settings.shared });
    } catch (e) {
        ws.close();
        current = null;
        setState('failed', `Cannot start the VNC client: ${e.message}.`, 'client');
        return;
    }
    rfb.qualityLevel = settings.quality;
    rfb.compressionLevel = settings.compression;
    applyView();
    rfb.addEventListener('connect', onConnect);
    rfb.addEventListener('disconnect', () => onDisconnect(end));
    rfb.addEventListener('credentialsrequired', onCredentialsRequired);
    rfb.addEventListener('securityfailure', (e) => { end.security = e.detail; });
    rfb.addEventListener('clipboard', (e) => { $('clipboard-text').value = e.detail.text; });
    rfb.addEventListener('desktopname', (e) => {
        desktopName = e.detail.name;
        document.title = `${desktopName} – Remote desktop`;
    });
}

function onConnect() {
    hideCredentials();
    setState('connected', desktopName ? `Connected to ${desktopName}.` : 'Connected.');
    rfb.focus();
}

function onDisconnect(end) {
    hideCredentials();
    releaseHeld(false);
    rfb = null;
    current = null;
    desktopName = '';
    document.title = 'Remote desktop';
    const { reason, text } = explainEnd(end);
    const retry = $('reconnect').checked && reason !== 'user' && reason !== 'auth';
    setState(reason === 'user' ? 'disconnected' : 'failed', text, reason);
    if (retry) {
        scheduleReconnect(text);
    } else if (!end.user) {
        $('connect').focus();
    }
}

function disconnect() {
    cancelReconnect();
    if (rfb) {
        current.user = true;
        rfb.disconnect();
    } else {
        setState('disconnected', 'Disconnected.', 'user');
    }
}

function scheduleReconnect(why) {
    let left = Math.ceil(settings.reconnectDelay / 1000);
    const tick = () => {
        if (left <= 0) {
            reconnectTimer = null;
            connect();
            return;
        }
        $('status').textContent = `${why} Reconnecting in ${left} s…`;
        left -= 1;
        reconnectTimer = setTimeout(tick, 1000);
    };
    tick();
    $('disconnect').hidden = false; // lets the user stop the retries
}

function cancelReconnect() {
    if (reconnectTimer) {
        clearTimeout(reconnectTimer);
        reconnectTimer = null;
        $('disconnect').hidden = !rfb;
    }
}

function rememberToken(token) {
    const url = new URL(location.href);
    if (token) {
        url.searchParams.set('token', token);
    } else {
        url.searchParams.delete('token');
    }
    history.replaceState(null, '', url);
}

// --- credentials

function onCredentialsRequired(e) {
    const types = e.detail.types || [];
    $('username-row').hidden = !types.includes('username');
    $('credentials').hidden = false;
    setState('password', 'The VNC server asks for a password.');
    (types.includes('username') && !$('username').value ? $('username') : $('password')).focus();
}

function hideCredentials() {
    $('credentials').hidden = true;
    $('password').value = '';
}

$('credentials').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!rfb) {
        return;
    }
    const creds = { password: $('password').value };
    if (!$('username-row').hidden) {
        creds.username = $('username').value;
    }
    $('credentials').hidden = true;
    $('password').value = '';
    setState('connecting', 'Checking the password…');
    rfb.sendCredentials(creds);
});
$('credentials-cancel').addEventListener('click', disconnect);

// --- view settings

function applyView() {
    const mode = $('resize').value;
    document.body.dataset.resize = mode;
    if (!rfb) {
        return;
    }
    rfb.scaleViewport = mode === 'scale';
    rfb.resizeSession = mode === 'remote';
    rfb.clipViewport = false;
    rfb.viewOnly = $('view-only').checked;
}

$('resize').value = settings.resize;
$('view-only').checked = settings.viewOnly;
$('reconnect').checked = settings.reconnect;
$('resize').addEventListener('change', () => { remember('resize', $('resize').value); applyView(); });
$('view-only').addEventListener('change', () => { remember('view_only', $('view-only').checked); applyView(); });
$('reconnect').addEventListener('change', () => {
    remember('reconnect', $('reconnect').checked);
    if (!$('reconnect').checked) {
        cancelReconnect();
    }
});

// --- keys

const KEYS = {
    Escape: [KeyTable.XK_Escape, 'Escape'],
    Tab: [KeyTable.XK_Tab, 'Tab'],
    Control: [KeyTable.XK_Control_L, 'ControlLeft'],
    Alt: [KeyTable.XK_Alt_L, 'AltLeft'],
    Super: [KeyTable.XK_Super_L, 'MetaLeft'],
};
for (let i = 1; i <= 12; i++) {
    KEYS['F' + i] = [KeyTable['XK_F' + i], 'F' + i];
    $('fkey').add(new Option('F' + i, 'F' + i));
}

function press(name) {
    if (!rfb) {
        return;
    }
    const [keysym, code] = KEYS[name];
    rfb.sendKey(keysym, code);
    releaseHeld(true);
}

/** Releases the modifiers held from the Keys menu (after a key they modified, or when the session ends). */
function releaseHeld(send) {
    for (const name of held) {
        const [keysym, code] = KEYS[name];
        if (send && rfb) {
            rfb.sendKey(keysym, code, false);
        }
        document.querySelector(`[data-hold="${name}"]`).setAttribute('aria-pressed', 'false');
    }
    held.clear();
}

$('send-cad').addEventListener('click', () => { rfb?.sendCtrlAltDel(); releaseHeld(true); });
$('send-fkey').addEventListener('click', () => press($('fkey').value));
for (const b of document.querySelectorAll('[data-key]')) {
    b.addEventListener('click', () => press(b.dataset.key));
}
for (const b of document.querySelectorAll('[data-hold]')) {
    b.addEventListener('click', () => {
        const name = b.dataset.hold;
        if (!rfb) {
            return;
        }
        const [keysym, code] = KEYS[name];
        const down = !held.has(name);
        rfb.sendKey(keysym, code, down);
        if (down) {
            held.add(name);
        } else {
            held.delete(name);
        }
        b.setAttribute('aria-pressed', String(down));
    });
}

// F8 takes the keyboard back from the remote screen (as in TigerVNC's viewer); the Keys menu can send F8.
window.addEventListener('keydown', (e) => {
    if (e.key === 'F8' && !e.ctrlKey && !e.altKey && !e.metaKey && $('screen').contains(document.activeElement)) {
        e.preventDefault();
        e.stopImmediatePropagation();
        rfb?.blur();
        ($('disconnect').hidden ? $('connect') : $('disconnect')).focus();
    }
}, true);

// Tabbing onto the screen hands the keyboard to the remote session.
$('screen').addEventListener('focus', (e) => {
    if (rfb && e.target === $('screen')) {
        rfb.focus();
    }
});

// --- clipboard

$('clipboard-send').addEventListener('click', () => {
    if (rfb) {
        rfb.clipboardPasteFrom($('clipboard-text').value);
        $('status').textContent = 'Clipboard text sent to the remote session.';
    }
});

// --- fullscreen

if (document.fullscreenEnabled) {
    $('fullscreen').hidden = false;
    $('fullscreen').addEventListener('click', () => {
        if (document.fullscreenElement) {
            document.exitFullscreen();
        } else {
            document.documentElement.requestFullscreen().catch(() => {});
        }
    });
    document.addEventListener('fullscreenchange', () => {
        $('fullscreen').textContent = document.fullscreenElement ? 'Exit fullscreen' : 'Fullscreen';
    });
}

// --- start

$('connect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    connect();
});
$('disconnect').addEventListener('click', disconnect);
$('token').value = settings.token;
setState('disconnected', 'Not connected.');
if (settings.autoconnect) {
    connect();
} else {
    $('connect').focus();
}
