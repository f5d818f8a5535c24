// The "system busy" page counts down and then re-posts the visitor's own form, so nothing typed is lost.
(function () {
    const form = document.querySelector('form[data-auto-retry]');
    if (!form) return;
    let left = Number(form.dataset.autoRetry) || 5;
    const shown = document.querySelector('[data-countdown]');
    const tick = setInterval(() => {
        left -= 1;
        if (shown) shown.textContent = String(Math.max(left, 0));
        if (left <= 0) { clearInterval(tick); form.submit(); }
    }, 1000);
})();
