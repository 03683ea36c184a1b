// The console's one script: passkeys, which the browser offers to scripts only (navigator.credentials), and the
// downloads the API streams (an access request's answer, the organisation's export). Everything else in the console works without it. It keeps nothing in web storage; the CSRF token it sends comes from the page.
(() => {
  'use strict';
  const b64d = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const b64e = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const say = (text) => { const s = document.getElementById('passkey-status'); if (s) { s.textContent = text; } };
  const post = (url, body, csrf) => fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: Object.assign({'Content-Type': 'application/json', 'Accept': 'application/json'}, csrf ? {'X-CSRF-Token': csrf} : {}),
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const problem = async (r) => { try { const p = await r.json(); return p.detail || p.title || ('Refused (' + r.status + ').'); } catch (e) { return 'Refused (' + r.status + ').'; } };

  const signInButton = document.getElementById('passkey-sign-in');
  if (signInButton && window.PublicKeyCredential) {
    document.getElementById('passkey-section').hidden = false;
    signInButton.addEventListener('click', async () => {
      try {
        say('Waiting for your passkey…');
        const r = await post('/api/v1/auth/passkey/options');
        if (!r.ok) { say(await problem(r)); return; }
        const o = await r.json();
        const c = await navigator.credentials.get({publicKey: {challenge: b64d(o.challenge), rpId: o.rpId, timeout: o.timeout,
          userVerification: o.userVerification}});
        const done = await post('/api/v1/auth/passkey?session=cookie', {credentialId: b64e(c.rawId),
          clientDataJSON: b64e(c.response.clientDataJSON), authenticatorData: b64e(c.response.authenticatorData),
          signature: b64e(c.response.signature)});
        if (done.ok) { location.assign('/console'); } else { say(await problem(done)); }
      } catch (e) { say('The passkey was not used: ' + e.message); }
    });
  }

  const registerButton = document.getElementById('passkey-register');
  if (registerButton && window.PublicKeyCredential) {
    document.getElementById('passkey-add').hidden = false;
    registerButton.addEventListener('click', async () => {
      const csrf = registerButton.dataset.csrf;
      try {
        say('Preparing…');
        const r = await post('/api/v1/me/passkeys/registration-options', undefined, csrf);
        if (r.status === 401) { say('Confirm it is you first (the form above), then add the passkey.'); return; }
        if (!r.ok) { say(await problem(r)); return; }
        const o = await r.json();
        const c = await navigator.credentials.create({publicKey: {challenge: b64d(o.challenge), rp: o.rp,
          user: {id: b64d(o.user.id), name: o.user.name, displayName: o.user.displayName}, pubKeyCredParams: o.pubKeyCredParams,
          timeout: o.timeout, excludeCredentials: o.excludeCredentials.map((x) => ({type: x.type, id: b64d(x.id)})),
          authenticatorSelection: o.authenticatorSelection}});
        const name = document.getElementById('passkey-name').value || 'Passkey';
        const done = await post('/api/v1/me/passkeys', {clientDataJSON: b64e(c.response.clientDataJSON),
          attestationObject: b64e(c.response.attestationObject), name: name}, csrf);
        if (done.ok) { location.assign('/console/account?done=passkey-added'); } else { say(await problem(done)); }
      } catch (e) { say('No passkey was added: ' + e.message); }
    });
  }

  // Signing a document's version with a passkey: the same two calls as the form (the challenge, then the signature),
  // with an assertion over the challenge instead of the password and code.
  const signPasskey = document.getElementById('sign-passkey');
  if (signPasskey && window.PublicKeyCredential) {
    document.getElementById('sign-passkey-section').hidden = false;
    signPasskey.addEventListener('click', async () => {
      const d = signPasskey.dataset;
      const reason = document.getElementById('sign-reason').value;
      if (!reason) { say('Give the reason for signing first.'); document.getElementById('sign-reason').focus(); return; }
      try {
        say('Waiting for your passkey…');
        const r = await post('/api/v1/orgs/' + d.org + '/signatures/challenges', {documentId: d.document, version: Number(d.version),
          meaning: document.getElementById('sign-meaning').value}, d.csrf);
        if (!r.ok) { say(await problem(r)); return; }
        const ch = await r.json();
        const c = await navigator.credentials.get({publicKey: {challenge: b64d(ch.challenge), userVerification: 'required'}});
        const done = await post('/api/v1/orgs/' + d.org + '/signatures', {challengeId: ch.challengeId, reason: reason,
          assertion: {credentialId: b64e(c.rawId), clientDataJSON: b64e(c.response.clientDataJSON),
            authenticatorData: b64e(c.response.authenticatorData), signature: b64e(c.response.signature)}}, d.csrf);
        if (done.ok) { location.assign(d.page + '?done=signed'); return; }
        if (done.status === 429) {
          const wait = Number(done.headers.get('Retry-After'));
          say('Signing is locked after repeated failures. Try again in ' + Math.ceil(wait / 60) + ' minutes. Nothing was signed.');
          return;
        }
        say(await problem(done));
      } catch (e) { say('Nothing was signed: ' + e.message); }
    });
  }

  // A download the API streams (an access request's answer, the organisation's export): the same call as any
  // client's, with the session's cookie and the CSRF token from the page, its ZIP saved as a file. A form says what to
  // call (data-api, data-method), where to report (data-status), what it is doing (data-busy) and the file's name
  // (data-file); an email field, when the form has one, is the call's JSON body.
  document.querySelectorAll('form[data-download]').forEach((form) => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const d = form.dataset;
      const status = document.getElementById(d.status);
      const email = form.elements.namedItem('email');
      const about = email ? ' about ' + email.value : '';
      status.textContent = d.busy + (email ? ' ' + email.value : '') + '…';
      try {
        const options = {method: d.method, credentials: 'same-origin', headers: {'Accept': 'application/zip, application/problem+json', 'X-CSRF-Token': d.csrf}};
        if (email) {
          options.headers['Content-Type'] = 'application/json';
          options.body = JSON.stringify({email: email.value});
        }
        const r = await fetch(d.api, options);
        if (r.status === 401) {
          let type = '';
          try { type = (await r.clone().json()).type || ''; } catch (e) { type = ''; }
          if (type.endsWith('/step-up-required')) {
            status.textContent = 'Confirm it is you first (the form "Confirm it is you" on this page), then try again.';
            const confirm = document.getElementById('confirm-password');
            if (confirm) { confirm.focus(); }
            return;
          }
        }
        if (!r.ok) { status.textContent = await problem(r); return; }
        const blob = await r.blob();
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = d.file;
        link.textContent = 'Download ' + d.file + ' again';
        status.textContent = 'Ready' + about + ': ' + d.file + ' (' + blob.size + ' bytes). ';
        status.appendChild(link);
        link.click();
      } catch (e) { status.textContent = 'The download failed: ' + e.message; }
    });
  });
})();
