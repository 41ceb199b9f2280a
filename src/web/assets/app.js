// Small enhancements to pages that work without script: the review queue's keyboard shortcuts,
// and a confirmation before actions that cannot be undone. No data leaves the page.
(function () {
  'use strict';
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var key = e.key.toLowerCase();
    var target = document.querySelector('[data-shortcut="' + key + '"]');
    if (!target) {
      var alias = document.querySelector('[data-shortcut-alias="' + key + '"]');
      if (alias) target = document.querySelector('[data-shortcut="' + alias.getAttribute('data-for') + '"]');
    }
    if (!target) return;
    e.preventDefault();
    if (target.tagName === 'A') target.click();
    else if (target.form && typeof target.form.requestSubmit === 'function') target.form.requestSubmit(target);
    else target.click();
  });
  document.addEventListener('submit', function (e) {
    var f = e.target;
    var msg = f && f.getAttribute && f.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
})();
