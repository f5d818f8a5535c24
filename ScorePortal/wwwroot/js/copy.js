// Copy buttons (the share link's address): shown only where script runs, they copy the text of the field named in
// data-copy and say so in the status element beside it; without script (or clipboard) the field is copied by hand.
(function () {
    document.querySelectorAll('button[data-copy]').forEach(button => {
        if (button.dataset.copyReady) return;
        button.dataset.copyReady = '1';
        const field = document.getElementById(button.dataset.copy);
        const status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
        if (!field) return;
        button.hidden = false;
        button.addEventListener('click', async () => {
            try {
                await navigator.clipboard.writeText(field.value);
                if (status) status.textContent = button.dataset.copied || '';
            } catch {
                field.focus();
                field.select();
            }
        });
    });
})();
