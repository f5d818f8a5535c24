// Passkeys (WebAuthn) for the forms marked data-passkey="create" or "request" (Account/Passkeys, docs/accounts.md).
// On submit the form asks its data-passkey-options URL for a challenge, hands it to the browser (fingerprint, face,
// device PIN), and posts the browser's answer in its [data-passkey-credential] field, or the error's name in its
// [data-passkey-error] field: the page shows that in the reader's language. The server checks everything.
(() => {
    'use strict';

    const supported = () =>
        typeof navigator.credentials !== 'undefined'
        && typeof window.PublicKeyCredential !== 'undefined'
        && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
        && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

    async function obtain(form) {
        if (!supported()) throw Object.assign(new Error('unsupported'), { name: 'NotSupportedError' });
        const response = await fetch(form.dataset.passkeyOptions, { method: 'POST', credentials: 'same-origin' });
        if (!response.ok) throw Object.assign(new Error('options ' + response.status), { name: 'OptionsError' });
        const json = await response.json();
        if (form.dataset.passkey === 'create') {
            return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) });
        }
        return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) });
    }

    document.addEventListener('submit', async event => {
        const form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.dataset.passkey || form.dataset.passkeyBusy) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        form.dataset.passkeyBusy = 'true';
        const credential = form.querySelector('[data-passkey-credential]');
        const error = form.querySelector('[data-passkey-error]');
        credential.value = '';
        error.value = '';
        try {
            credential.value = JSON.stringify(await obtain(form));
        } catch (e) {
            error.value = e && e.name ? e.name : 'Error';
        }
        form.submit();
    }, true);
})();
