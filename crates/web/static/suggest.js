// The ask form: as someone types their question, the FAQ entries that match it show below the
// field (the page also lists them after a refused post, without this script).
(function () {
  'use strict';
  var input = document.querySelector('[data-suggest]');
  if (!input) return;
  var box = document.getElementById(input.getAttribute('data-suggest'));
  var list = box.querySelector('ul');
  var timer = null, asked = 0;
  function show(items) {
    list.textContent = '';
    items.forEach(function (it) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '/faq/' + it.id;
      a.target = '_blank';
      a.textContent = it.question;
      var c = document.createElement('span');
      c.className = 'muted';
      c.textContent = ' ' + it.category;
      li.append(a, c);
      list.append(li);
    });
    box.hidden = items.length === 0;
  }
  input.addEventListener('input', function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { show([]); return; }
    timer = setTimeout(function () {
      var n = ++asked;
      fetch('/faq/suggest?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (n === asked) show(items); })
        .catch(function () {});
    }, 250);
  });
})();
