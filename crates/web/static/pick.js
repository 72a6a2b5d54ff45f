// Pickers: type part of a name (or of a member's ID number), choose from the list, and the
// form gets the code. Without this script the field takes the code itself, as it still does
// when someone types a code and chooses nothing.
(function () {
  'use strict';
  function attach(input) {
    var kind = input.getAttribute('data-pick');
    var hidden = document.createElement('input');
    hidden.type = 'hidden';
    hidden.name = input.name;
    hidden.value = input.value;
    input.removeAttribute('name');
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    var list = document.createElement('ul');
    list.className = 'pick-list';
    list.id = input.id + '-list';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    input.setAttribute('aria-controls', list.id);
    input.parentNode.classList.add('pick');
    input.after(hidden, list);
    var timer = null, asked = 0, choices = [], active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function choose(c) {
      hidden.value = c.value;
      input.value = c.label;
      close();
    }
    function show(items) {
      choices = items;
      active = -1;
      list.textContent = '';
      if (!items.length) {
        var none = document.createElement('li');
        none.className = 'none';
        none.textContent = '没有找到：换个写法，或直接填写代码';
        list.appendChild(none);
      }
      items.forEach(function (c, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        var b = document.createElement('b');
        b.textContent = c.label;
        var s = document.createElement('span');
        s.textContent = c.detail;
        li.append(b, s);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(c); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
    input.addEventListener('input', function () {
      var q = input.value.trim();
      hidden.value = q;
      clearTimeout(timer);
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch('/pick/' + kind + '?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) { if (mine === asked && document.activeElement === input) show(items); })
          .catch(function () {});
      }, 200);
    });
    input.addEventListener('keydown', function (e) {
      if (list.hidden || !choices.length) return;
      var n = choices.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        active = e.key === 'ArrowDown' ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1);
        Array.prototype.forEach.call(list.children, function (li, i) { li.classList.toggle('on', i === active); });
        input.setAttribute('aria-activedescendant', list.id + '-' + active);
      } else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        choose(choices[active]);
      } else if (e.key === 'Escape') {
        close();
      }
    });
    input.addEventListener('blur', close);
  }
  document.querySelectorAll('input[data-pick]').forEach(attach);
})();
