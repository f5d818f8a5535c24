// The waiting room: asks for the visitor's place every few seconds (GET /lookup/queue/{ticket}; the answer's pollMs
// says when to ask again: less often far back in a long line), says it in the live region when it changes, and posts the kept form (with the queue ticket) when the turn comes. Without this script the
// page still says the place, and its button tries again.
(function () {
    const form = document.querySelector('form[data-waiting-room]');
    if (!form) return;
    const shown = document.querySelector('[data-testid="waiting-place"]');
    const hint = document.querySelector('[data-waiting-noscript]');
    if (hint) hint.hidden = true;
    const interval = Number(form.dataset.interval) || 2000;
    let sent = false;

    function say(text) {
        if (shown && text && shown.textContent !== text) shown.textContent = text;
    }

    async function poll() {
        if (sent) return;
        let next = interval;
        try {
            const response = await fetch(form.dataset.poll, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'application/json' } });
            if (response.ok) {
                const answer = await response.json();
                say(answer.text);
                if (answer.state === 'admitted') {
                    sent = true;
                    form.submit();
                    return;
                }
                if (answer.state === 'gone') return; // the button posts the form: it comes back with a fresh captcha
                if (Number(answer.pollMs) >= interval) next = Number(answer.pollMs);
            }
        } catch {
            // A lost connection: ask again at the next tick; the place is kept meanwhile.
        }
        setTimeout(poll, next);
    }

    setTimeout(poll, interval);
})();
