// A lookup refused by a per-address limit or block says how long to wait; this counts the seconds down in place.
// The number is not re-announced every second (aria-live off on it); without script the text stays "wait N seconds".
(function () {
    document.querySelectorAll('[data-wait-seconds]').forEach(function (shown) {
        let left = parseInt(shown.textContent, 10);
        if (!(left > 0)) return;
        shown.setAttribute('aria-live', 'off');
        const tick = setInterval(function () {
            left -= 1;
            shown.textContent = String(Math.max(left, 0));
            if (left <= 0) clearInterval(tick);
        }, 1000);
    });
})();
