// Thamgia's offline app for facilitators. Runs on an adult's device, never on
// a child's page. Signs the device in once (online), keeps the open
// consultations and every answer in IndexedDB, lets children answer in turn
// (kiosk mode) or the facilitator type in a paper form or a group's tally,
// and sends them in small batches when the server can be reached. No child's name
// is ever asked for or kept.
'use strict';

// Every phrase of the app once: [Vietnamese, English].
const T = {
  title: ['Hỏi ý kiến ngoại tuyến', 'Offline consultations'],
  online: ['Có mạng', 'Online'], offline: ['Không kết nối được máy chủ', 'Server not reachable'],
  other: ['English', 'Tiếng Việt'],
  signin: ['Đăng nhập thiết bị', 'Sign this device in'], signinIntro: ['Đăng nhập một lần khi có mạng. Sau đó ứng dụng chạy cả khi không có sóng.', 'Sign in once while online. The app then works with no signal.'],
  username: ['Tên đăng nhập', 'Username'], password: ['Mật khẩu', 'Password'], label: ['Tên thiết bị (không bắt buộc)', 'Device name (optional)'],
  signinBtn: ['Đăng nhập', 'Sign in'], signinFailed: ['Sai tên đăng nhập hoặc mật khẩu.', 'Wrong username or password.'], signinForbidden: ['Tài khoản này không được tổ chức hỏi ý kiến.', 'This account does not run consultations.'],
  signinOffline: ['Không kết nối được máy chủ. Hãy thử lại khi có mạng.', 'Cannot reach the server. Try again when online.'],
  consultations: ['Cuộc hỏi ý kiến trên thiết bị', 'Consultations on this device'], none: ['Chưa có cuộc hỏi ý kiến nào đang mở.', 'No open consultation yet.'],
  kiosk: ['Cho trẻ em trả lời', 'Let children answer'], paper: ['Nhập phiếu giấy', 'Type in a paper form'],
  closes: ['Đóng ngày', 'Closes'],
  waiting: ['Đang chờ gửi', 'Waiting to send'], sent: ['Đã gửi', 'Sent'], refused: ['Bị từ chối', 'Refused'],
  sync: ['Gửi ngay', 'Send now'], syncing: ['Đang gửi…', 'Sending…'], refresh: ['Tải lại danh sách', 'Reload the list'],
  lastSync: ['Lần gửi cuối', 'Last sent'], never: ['chưa', 'never'],
  revoked: ['Thiết bị này đã bị thu hồi hoặc hết hạn. Các ý kiến chưa gửi vẫn được giữ. Hãy đăng nhập lại.', 'This device was revoked or has expired. Answers not sent are kept. Please sign in again.'],
  refusedList: ['Ý kiến bị từ chối', 'Refused answers'], reason: ['Lý do', 'Reason'],
  aboutYou: ['Về em (có thể bỏ qua)', 'About you (you can skip this)'], age: ['Em bao nhiêu tuổi?', 'How old are you?'], sex: ['Em là', 'You are'], ethnic: ['Dân tộc', 'Ethnic group'], disability: ['Em có khuyết tật không?', 'Do you have a disability?'],
  unit: ['Trường hoặc xã', 'School or commune'], skip: ['— Bỏ qua —', '— Skip —'], girl: ['Bạn gái', 'A girl'], boy: ['Bạn trai', 'A boy'], otherSex: ['Khác', 'Other'], yes: ['Có', 'Yes'], no: ['Không', 'No'],
  send: ['Gửi ý kiến', 'Send my answers'], required: ['Em hãy trả lời câu này.', 'Please answer this question.'], rankHint: ['Chọn thứ tự: 1 là điều em muốn nhất.', 'Choose an order: 1 is what you want most.'],
  rankDup: ['Mỗi thứ tự chỉ chọn một lần.', 'Use each number once.'],
  thanks: ['Cảm ơn em đã chia sẻ ý kiến!', 'Thank you for sharing your views!'], thanksSub: ['Ý kiến của em đã được lưu trên máy.', 'Your answers are saved on this device.'],
  next: ['Bạn tiếp theo', 'Next child'], back: ['Về danh sách', 'Back to the list'], saved: ['Đã lưu phiếu.', 'Form saved.'],
  faces: [['Rất không vui', 'Không vui', 'Bình thường', 'Vui', 'Rất vui'], ['Very unhappy', 'Unhappy', 'Okay', 'Happy', 'Very happy']],
  faces3: [['Không vui', 'Bình thường', 'Vui'], ['Unhappy', 'Okay', 'Happy']],
  signout: ['Đăng xuất thiết bị', 'Sign this device out'], signoutKeep: ['Còn ý kiến chưa gửi: hãy gửi trước khi đăng xuất.', 'Answers are waiting: send them before signing out.'],
  errors: ['Có câu chưa trả lời.', 'Some questions need an answer.'], invalid: ['Không hợp lệ', 'Invalid'],
  tally: ['Nhập kết quả nhóm', 'Enter a group tally'], tallyTitle: ['Kết quả thảo luận nhóm', 'Group discussion tally'], tallyIntro: ['Chỉ ghi số em, không ghi tên em nào.', 'Numbers only: no child\'s name.'],
  groupLabel: ['Tên nhóm (ví dụ: Lớp 7A, nhóm 2)', 'Group name (e.g. Class 7A, group 2)'], girls: ['Số bạn gái', 'Girls'], boys: ['Số bạn trai', 'Boys'],
  age610: ['Số em 6–10 tuổi', 'Children aged 6–10'], age1115: ['Số em 11–15 tuổi', 'Children aged 11–15'], chose: ['Số em chọn mỗi ý', 'Children who chose each option'],
  tallyTotal: ['Tổng số bạn gái và bạn trai phải bằng tổng hai nhóm tuổi, từ 1 đến 200 em.', 'Girls and boys must add up to the two age bands, 1 to 200 children.'],
  tallyCount: ['Không được lớn hơn số em trong nhóm.', 'Cannot be more than the children in the group.'], tallyLabel: ['Hãy ghi tên nhóm.', 'Please name the group.'],
  tallySave: ['Lưu kết quả nhóm', 'Save the tally'], tallySaved: ['Đã lưu kết quả nhóm.', 'Tally saved.'], nextTally: ['Nhóm tiếp theo', 'Next group'], tallyItem: ['Kết quả nhóm', 'Group tally'],
};

// ---- storage (IndexedDB) ----

let dbp = null;
function db() {
  if (!dbp) {
    dbp = new Promise((ok, fail) => {
      const r = indexedDB.open('thamgia-facilitator', 1);
      r.onupgradeneeded = () => {
        r.result.createObjectStore('meta');
        r.result.createObjectStore('outbox', { keyPath: 'submission_id' });
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
  }
  return dbp;
}
function req(r) { return new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); }); }
async function store(name, mode) { return (await db()).transaction(name, mode).objectStore(name); }
async function txDone(name, fn) {
  const t = (await db()).transaction(name, 'readwrite');
  fn(t.objectStore(name));
  return new Promise((ok, fail) => { t.oncomplete = ok; t.onerror = () => fail(t.error); t.onabort = () => fail(t.error); });
}
async function getMeta(k) { return req((await store('meta', 'readonly')).get(k)); }
function setMeta(k, v) { return txDone('meta', (s) => s.put(v, k)); }
async function allOutbox() { return req((await store('outbox', 'readonly')).getAll()); }

// ---- state ----

const S = { reachable: null, lang: 'vi', token: null, who: '', bundle: null, sent: 0, lastSync: null, revoked: false, syncing: false, backoff: 0, timer: null };
const t = (k) => T[k][S.lang === 'en' ? 1 : 0];
const main = () => document.getElementById('main');

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k != null) e.append(k);
  return e;
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function showNet() {
  const n = document.getElementById('net');
  // The network may be up while the server cannot be reached: what counts is the last call.
  const on = navigator.onLine && S.reachable !== false;
  n.textContent = on ? t('online') : t('offline');
  n.className = on ? 'net on' : 'net off';
  document.documentElement.lang = S.lang;
  document.getElementById('lang').textContent = t('other');
  document.title = `Thamgia · ${t('title')}`;
}

function screen(...kids) {
  const m = main();
  m.replaceChildren(...kids);
  m.focus();
  showNet();
}

// ---- sign-in ----

function signinScreen(msg) {
  const err = h('p', { class: 'err', role: 'alert', id: 'signin-error' });
  if (msg) err.textContent = msg;
  const f = h('form', { id: 'signin', novalidate: true },
    h('label', { for: 'u', text: t('username') }), h('input', { id: 'u', name: 'username', autocomplete: 'username', required: true }),
    h('label', { for: 'p', text: t('password') }), h('input', { id: 'p', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('label', { for: 'l', text: t('label') }), h('input', { id: 'l', name: 'label', maxlength: '80' }),
    h('button', { type: 'submit', text: t('signinBtn') }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await fetch('/api/v1/devices', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: f.username.value, password: f.password.value, label: f.label.value || null }),
      });
      if (r.status === 201) {
        const b = await r.json();
        S.token = b.token; S.who = `${b.display_name} · ${b.label}`; S.revoked = false;
        await setMeta('token', S.token); await setMeta('who', S.who);
        await refresh();
        home();
        sync();
        return;
      }
      err.textContent = r.status === 403 ? t('signinForbidden') : t('signinFailed');
    } catch (_) {
      err.textContent = t('signinOffline');
    }
  });
  screen(h('h1', { text: t('signin') }), h('p', { text: t('signinIntro') }), err, f);
}

// ---- the consultations, downloaded ----

async function api(path, opts) {
  let r;
  try {
    r = await fetch(path, { ...opts, headers: { ...(opts && opts.headers), authorization: `Bearer ${S.token}` } });
  } catch (e) {
    S.reachable = false; showNet();
    throw e;
  }
  S.reachable = true; showNet();
  if (r.status === 401) { S.revoked = true; throw new Error('revoked'); }
  return r;
}

async function refresh() {
  try {
    const r = await api('/api/v1/device/consultations');
    if (r.ok) { S.bundle = await r.json(); await setMeta('bundle', S.bundle); }
  } catch (_) { /* offline: keep what is stored */ }
}

async function counts() {
  const all = await allOutbox();
  return {
    waiting: all.filter((x) => x.state === 'waiting').length,
    refused: all.filter((x) => x.state !== 'waiting'),
  };
}

async function home() {
  const c = await counts();
  const list = (S.bundle && S.bundle.consultations) || [];
  const kids = [h('h1', { text: t('consultations') }), h('p', { class: 'who', text: S.who })];
  if (S.revoked) kids.push(h('p', { class: 'err', role: 'alert', text: t('revoked') }), h('button', { type: 'button', onclick: () => signinScreen() , text: t('signinBtn') }));
  kids.push(h('dl', { class: 'counts', id: 'counts' },
    h('div', {}, h('dt', { text: t('waiting') }), h('dd', { id: 'n-waiting', text: String(c.waiting) })),
    h('div', {}, h('dt', { text: t('sent') }), h('dd', { id: 'n-sent', text: String(S.sent) })),
    h('div', {}, h('dt', { text: t('refused') }), h('dd', { id: 'n-refused', text: String(c.refused.length) }))));
  kids.push(h('p', { class: 'sync' },
    h('button', { type: 'button', id: 'sync', onclick: () => sync(true), disabled: S.syncing, text: S.syncing ? t('syncing') : t('sync') }), ' ',
    h('button', { type: 'button', class: 'link', onclick: async () => { await refresh(); home(); }, text: t('refresh') })),
  h('p', { class: 'small', text: `${t('lastSync')}: ${S.lastSync ? new Date(S.lastSync).toLocaleString(S.lang) : t('never')}` }));
  if (!list.length) kids.push(h('p', { text: t('none') }));
  for (const k of list) {
    kids.push(h('section', { class: 'card', 'aria-labelledby': `k-${k.code}` },
      h('h2', { id: `k-${k.code}`, text: k.title }),
      h('p', { class: 'small', text: `${k.code} · ${t('closes')} ${k.closes_on.split('-').reverse().join('/')}` }),
      h('p', {},
        h('button', { type: 'button', class: 'big', onclick: () => form(k, 'kiosk'), text: t('kiosk') }), ' ',
        h('button', { type: 'button', onclick: () => form(k, 'paper'), text: t('paper') }), ' ',
        h('button', { type: 'button', onclick: () => tallyForm(k), text: t('tally') }))));
  }
  if (c.refused.length) {
    kids.push(h('h2', { text: t('refusedList') }), h('ul', { class: 'refused', id: 'refused' },
      c.refused.map((x) => h('li', {}, h('strong', { text: x.kind === 'tally' ? `${x.code} · ${t('tallyItem')}` : x.code }), ` · ${new Date(x.made_at).toLocaleString(S.lang)} · ${t('reason')}: ${x.message || x.reason || t('invalid')}`))));
  }
  kids.push(h('p', {}, h('button', { type: 'button', class: 'link', onclick: signout, text: t('signout') })));
  screen(...kids);
}

async function signout() {
  const c = await counts();
  if (c.waiting) { alert(t('signoutKeep')); return; }
  await setMeta('token', null); S.token = null;
  signinScreen();
}

// ---- one child's answers (kiosk) or a paper form ----

function pick(vi, en) { return S.lang === 'en' && en ? en : vi; }

function question(q, i) {
  const name = `q${q.id}`;
  const legend = h('legend', {}, h('span', { class: 'qn', text: `${i + 1}. ` }), pick(q.text_vi, q.text_en));
  const fs = h('fieldset', { class: 'q', id: `f-${name}`, 'data-q': String(q.id), 'data-kind': q.kind, 'data-required': q.required ? '1' : '' }, legend);
  const opt = (type, value, label, extra) => {
    const id = `${name}-${value}`;
    return h('div', { class: 'opt' }, h('input', { type, name, id, value: String(value), ...extra }), h('label', { for: id, text: label }));
  };
  if (q.kind === 'single' || q.kind === 'multiple') {
    for (const o of q.options) fs.append(opt(q.kind === 'single' ? 'radio' : 'checkbox', o.id, `${o.emoji ? o.emoji + ' ' : ''}${pick(o.label_vi, o.label_en)}`));
  } else if (q.kind === 'faces3' || q.kind === 'faces5') {
    const words = q.kind === 'faces3' ? t('faces3') : t('faces');
    for (let n = 1; n <= (q.faces || words.length); n++) fs.append(opt('radio', n, words[n - 1] || String(n)));
  } else if (q.kind === 'text') {
    fs.append(h('label', { for: `${name}-t`, class: 'sr', text: pick(q.text_vi, q.text_en) }),
      h('textarea', { id: `${name}-t`, name, rows: '3', maxlength: String(q.max_chars || 500) }));
  } else if (q.kind === 'ranking') {
    fs.append(h('p', { class: 'small', text: t('rankHint') }));
    for (const o of q.options) {
      const id = `${name}-o${o.id}`;
      const sel = h('select', { id, 'data-option': String(o.id) }, h('option', { value: '', text: '—' }),
        q.options.map((_, n) => h('option', { value: String(n + 1), text: String(n + 1) })));
      fs.append(h('div', { class: 'opt' }, sel, h('label', { for: id, text: ` ${pick(o.label_vi, o.label_en)}` })));
    }
  }
  fs.append(h('p', { class: 'err', id: `e-${name}`, 'aria-live': 'polite' }));
  return fs;
}

function profile(k) {
  const sel = (id, label, options) => h('div', { class: 'field' }, h('label', { for: id, text: label }),
    h('select', { id }, h('option', { value: '', text: t('skip') }), options.map(([v, l]) => h('option', { value: v, text: l }))));
  const ages = []; for (let a = k.age_min; a <= k.age_max; a++) ages.push([String(a), String(a)]);
  return h('details', { class: 'about' }, h('summary', { text: t('aboutYou') }),
    sel('p-age', t('age'), ages),
    sel('p-sex', t('sex'), [['girl', t('girl')], ['boy', t('boy')], ['other', t('otherSex')]].filter(([v]) => (k.sexes || []).includes(v))),
    sel('p-ethnic', t('ethnic'), (k.ethnic_groups || []).map((g) => [g.code, g.name_vi])),
    sel('p-dis', t('disability'), [['yes', t('yes')], ['no', t('no')]]),
    sel('p-unit', t('unit'), (k.units || []).map((u) => [u.code, pick(u.name_vi, u.name_en)])));
}

function read(f, k) {
  const answers = {}; let ok = true;
  for (const q of k.questions) {
    const name = `q${q.id}`; const e = f.querySelector(`#e-${name}`); e.textContent = '';
    let a = null;
    if (q.kind === 'single' || q.kind === 'multiple') {
      const v = [...f.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => Number(x.value));
      if (v.length) a = { options: v };
    } else if (q.kind === 'faces3' || q.kind === 'faces5') {
      const v = f.querySelector(`input[name="${name}"]:checked`);
      if (v) a = { face: Number(v.value) };
    } else if (q.kind === 'text') {
      const v = f.querySelector(`textarea[name="${name}"]`).value.trim();
      if (v) a = { text: v };
    } else if (q.kind === 'ranking') {
      const sels = [...f.querySelectorAll(`#f-${name} select`)];
      const chosen = sels.filter((s) => s.value);
      if (chosen.length) {
        const nums = chosen.map((s) => s.value);
        if (new Set(nums).size !== nums.length || chosen.length !== sels.length) { e.textContent = t('rankDup'); ok = false; continue; }
        a = { options: chosen.sort((x, y) => Number(x.value) - Number(y.value)).map((s) => Number(s.dataset.option)) };
      }
    }
    if (a) answers[String(q.id)] = a;
    else if (q.required) { e.textContent = t('required'); ok = false; }
  }
  const v = (id) => f.querySelector(`#${id}`).value || null;
  const dis = v('p-dis');
  const p = { age: v('p-age') ? Number(v('p-age')) : null, sex: v('p-sex'), ethnic: v('p-ethnic'), disability: dis == null ? null : dis === 'yes', unit: v('p-unit') };
  return ok ? { answers, profile: p } : null;
}

function form(k, collected) {
  const f = h('form', { id: 'answer', class: collected, novalidate: true },
    h('h1', { text: k.title }), h('p', { class: 'intro', text: k.intro }),
    k.questions.map(question), profile(k),
    h('p', { class: 'err', id: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'big', text: t('send') }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const got = read(f, k);
    if (!got) { f.querySelector('#form-error').textContent = t('errors'); return; }
    const item = { submission_id: uuid(), code: k.code, made_at: new Date().toISOString(), collected, ...got, state: 'waiting' };
    await txDone('outbox', (s) => s.put(item));
    thanks(k, collected);
    sync();
  });
  screen(h('p', {}, h('button', { type: 'button', class: 'link', onclick: home, text: t('back') })), f);
}

function thanks(k, collected) {
  // A fresh screen: nothing of this child's answers stays in the page.
  screen(h('section', { class: 'thanks', 'aria-live': 'polite' },
    h('h1', { text: collected === 'kiosk' ? t('thanks') : t('saved') }),
    collected === 'kiosk' ? h('p', { text: t('thanksSub') }) : null,
    h('p', {}, h('button', { type: 'button', class: 'big', id: 'next', onclick: () => form(k, collected), text: t('next') })),
    h('p', {}, h('button', { type: 'button', class: 'link', onclick: home, text: t('back') }))));
}

// ---- a group tally: counts only, no child's name ----

function tallyForm(k) {
  const num = (id, label) => h('div', { class: 'field' }, h('label', { for: id, text: label }),
    h('input', { id, type: 'number', min: '0', max: '200', inputmode: 'numeric', value: '0' }));
  const qs = k.questions.filter((q) => q.kind === 'single' || q.kind === 'multiple');
  const f = h('form', { id: 'tally', novalidate: true },
    h('h1', { text: t('tallyTitle') }), h('p', { class: 'intro', text: `${k.title} · ${t('tallyIntro')}` }),
    h('label', { for: 't-label', text: t('groupLabel') }), h('input', { id: 't-label', maxlength: '100', required: true }),
    num('t-girls', t('girls')), num('t-boys', t('boys')), num('t-young', t('age610')), num('t-old', t('age1115')),
    qs.map((q, i) => h('fieldset', { class: 'q', id: `f-t${q.id}` },
      h('legend', {}, h('span', { class: 'qn', text: `${i + 1}. ` }), pick(q.text_vi, q.text_en)),
      h('p', { class: 'small', text: t('chose') }),
      q.options.map((o) => h('div', { class: 'opt' },
        h('input', { id: `t-o${o.id}`, type: 'number', min: '0', max: '200', inputmode: 'numeric', value: '0', 'data-option': String(o.id) }),
        h('label', { for: `t-o${o.id}`, text: `${o.emoji ? o.emoji + ' ' : ''}${pick(o.label_vi, o.label_en)}` }))))),
    h('p', { class: 'err', id: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', class: 'big', text: t('tallySave') }));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = (id) => Math.max(0, Math.floor(Number(f.querySelector(`#${id}`).value) || 0));
    const err = f.querySelector('#form-error');
    const label = f.querySelector('#t-label').value.trim();
    const girls = n('t-girls'); const boys = n('t-boys'); const young = n('t-young'); const old = n('t-old');
    const total = girls + boys;
    if (!label) { err.textContent = t('tallyLabel'); return; }
    if (total < 1 || total > 200 || young + old !== total) { err.textContent = t('tallyTotal'); return; }
    const counts = {};
    for (const i of f.querySelectorAll('input[data-option]')) {
      const v = Math.max(0, Math.floor(Number(i.value) || 0));
      if (v > total) { err.textContent = t('tallyCount'); i.focus(); return; }
      if (v) counts[i.dataset.option] = v;
    }
    const item = { kind: 'tally', submission_id: uuid(), code: k.code, made_at: new Date().toISOString(), label, girls, boys, age_6_10: young, age_11_15: old, counts, state: 'waiting' };
    await txDone('outbox', (s) => s.put(item));
    screen(h('section', { class: 'thanks', 'aria-live': 'polite' },
      h('h1', { text: t('tallySaved') }),
      h('p', {}, h('button', { type: 'button', class: 'big', id: 'next', onclick: () => tallyForm(k), text: t('nextTally') })),
      h('p', {}, h('button', { type: 'button', class: 'link', onclick: home, text: t('back') }))));
    sync();
  });
  screen(h('p', {}, h('button', { type: 'button', class: 'link', onclick: home, text: t('back') })), f);
}

// ---- sync: small batches, backoff, resumable ----

const BATCH = 20;

function later(ms) {
  clearTimeout(S.timer);
  S.timer = setTimeout(() => sync(), ms);
}

async function sync(byHand) {
  if (S.syncing || !S.token || S.revoked) return;
  S.syncing = true;
  let failed = false;
  try {
    for (;;) {
      const all = await allOutbox();
      const waiting = all.filter((x) => x.state === 'waiting');
      if (!waiting.length) break;
      const batch = waiting.slice(0, BATCH);
      const r = await api('/api/v1/device/sync', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          device_time: new Date().toISOString(),
          unsent: waiting.length,
          submissions: batch.filter((x) => x.kind !== 'tally').map((x) => ({ code: x.code, submission_id: x.submission_id, made_at: x.made_at, collected: x.collected, profile: x.profile, answers: x.answers })),
          tallies: batch.filter((x) => x.kind === 'tally').map((x) => ({ code: x.code, submission_id: x.submission_id, made_at: x.made_at, label: x.label, girls: x.girls, boys: x.boys, age_6_10: x.age_6_10, age_11_15: x.age_11_15, counts: x.counts })),
        }),
      });
      if (!r.ok) throw new Error(`sync ${r.status}`);
      const b = await r.json();
      // Each acknowledged answer leaves the device; a refused one stays, with its reason.
      let acked = 0;
      await txDone('outbox', (s) => {
        for (const res of [...b.results, ...(b.tallies || [])]) {
          const x = batch.find((y) => y.submission_id === res.submission_id);
          if (!x) continue;
          if (res.status === 'stored' || res.status === 'duplicate') { s.delete(x.submission_id); acked++; }
          else s.put({ ...x, state: res.status, reason: res.reason, message: res.message, fields: res.fields });
        }
      });
      S.sent += acked;
      S.lastSync = b.server_time;
      await setMeta('sent', S.sent); await setMeta('lastSync', S.lastSync);
    }
    S.backoff = 0;
  } catch (e) {
    failed = true;
  } finally {
    S.syncing = false;
  }
  if (failed && !S.revoked) {
    S.backoff = Math.min(S.backoff ? S.backoff * 2 : 2000, 60000);
    later(S.backoff);
  }
  if (byHand || document.getElementById('counts')) home();
}

// ---- start ----

async function start() {
  S.lang = (await getMeta('lang')) || 'vi';
  S.token = (await getMeta('token')) || null;
  S.who = (await getMeta('who')) || '';
  S.bundle = (await getMeta('bundle')) || null;
  S.sent = (await getMeta('sent')) || 0;
  S.lastSync = (await getMeta('lastSync')) || null;
  document.getElementById('lang').addEventListener('click', async () => {
    S.lang = S.lang === 'vi' ? 'en' : 'vi'; await setMeta('lang', S.lang);
    if (S.token) home(); else signinScreen();
  });
  window.addEventListener('online', () => { showNet(); sync(); });
  window.addEventListener('offline', showNet);
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/facilitator/sw.js', { scope: '/facilitator/' }).catch(() => {});
  if (!S.token) { signinScreen(); return; }
  await refresh();
  await home();
  sync();
}

start();
