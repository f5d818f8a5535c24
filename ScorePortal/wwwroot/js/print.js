// The result sheet's print button: shown only where script runs (it needs window.print), prints the page as it is;
// app.css (@media print) keeps the sheet alone on one A4 page.
(function () {
    document.querySelectorAll('[data-print]').forEach(button => {
        button.hidden = false;
        button.addEventListener('click', () => window.print());
    });
})();
