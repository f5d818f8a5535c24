// Keeps every captcha on the page fresh: a token lives a minute, so it is replaced 10 s before it expires,
// and the refresh button asks for a new image at any time. Re-run after Blazor's enhanced navigation.
(function () {
    const timers = new WeakMap();
    const players = new WeakMap();

    async function refresh(box) {
        try {
            const response = await fetch('/captcha/new', { cache: 'no-store', credentials: 'same-origin' });
            if (!response.ok) return;
            const challenge = await response.json();
            box.querySelector('[data-captcha-token]').value = challenge.token;
            box.querySelector('[data-captcha-image]').src = challenge.image;
            box.querySelector('[data-captcha-audio]')?.setAttribute('href', challenge.audio);
            const answer = box.querySelector('input[type=text]');
            if (answer) answer.value = '';
            schedule(box, Date.parse(challenge.expiresAt));
        } catch { /* offline: the form still posts, and the server answers that the code expired */ }
    }

    function schedule(box, expiresAt) {
        clearTimeout(timers.get(box));
        const delay = Math.max(1000, expiresAt - Date.now() - 10000);
        timers.set(box, setTimeout(() => refresh(box), delay));
    }

    function init() {
        document.querySelectorAll('[data-captcha]').forEach(box => {
            if (box.dataset.captchaReady === '1') return;
            box.dataset.captchaReady = '1';
            box.querySelector('[data-captcha-refresh]')?.addEventListener('click', () => refresh(box));
            // Plays the spoken code in place (the link alone would leave the form for the browser's player).
            box.querySelector('[data-captcha-audio]')?.addEventListener('click', event => {
                event.preventDefault();
                const href = event.currentTarget.getAttribute('href');
                players.get(box)?.pause();
                const player = new Audio(href);
                players.set(box, player);
                player.play().catch(() => { window.location.href = href; });
            });
            schedule(box, Number(box.dataset.expires));
        });
    }

    document.addEventListener('DOMContentLoaded', init);
    if (document.readyState !== 'loading') init();
    if (window.Blazor?.addEventListener) window.Blazor.addEventListener('enhancedload', init);
    else document.addEventListener('DOMContentLoaded', () => window.Blazor?.addEventListener?.('enhancedload', init));
})();
