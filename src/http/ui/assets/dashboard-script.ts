/**
 * The dashboard's one script, served as /-/ui/assets/dashboard.<hash>.js (ui-assets.ts). Pages
 * work without it (they are rendered by the server); it adds:
 * - copy buttons (`button[data-copy]` copies the text of the element with that id);
 * - live activity: the element `[data-live]` names an API URL polled every `data-every`
 *   seconds; the rows of `#recent` and `#errors` and the numbers marked `data-field` are
 *   replaced from the answer (text only: values are set with textContent, never as markup);
 * - admin forms: `form[data-api]` is sent to the admin API (`data-method`, JSON body from the
 *   form's fields) with the headers its CSRF rules ask for, the outcome shown in
 *   `#admin-status`, and the page reloaded when it is done.
 * Plain ES2017 for any current browser; no library.
 */
export const DASHBOARD_SCRIPT = `'use strict';
(function () {
  function each(selector, f) { Array.prototype.forEach.call(document.querySelectorAll(selector), f); }

  each('button[data-copy]', function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      var text = source.textContent;
      var label = button.textContent;
      var done = function () {
        button.textContent = button.getAttribute('data-copied') || label;
        setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { select(source); });
      } else {
        select(source);
      }
    });
  });

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
  }

  function fillRequests(tbody, requests) {
    if (!tbody) return;
    var rows = document.createDocumentFragment();
    requests.forEach(function (r) {
      var tr = document.createElement('tr');
      cell(tr, r.time.replace('T', ' ').replace(/\\.\\d+Z$|Z$/, ' UTC'), 'mono');
      cell(tr, r.method);
      cell(tr, r.path, 'mono wrap');
      cell(tr, String(r.status), 'num');
      cell(tr, String(r.ms), 'num');
      cell(tr, r.cache);
      cell(tr, r.user || '');
      rows.appendChild(tr);
    });
    if (requests.length === 0) {
      var tr = document.createElement('tr');
      var td = document.createElement('td');
      td.colSpan = 7;
      td.textContent = tbody.getAttribute('data-empty') || '';
      tr.appendChild(td);
      rows.appendChild(tr);
    }
    tbody.replaceChildren(rows);
  }

  var live = document.querySelector('[data-live]');
  if (live) {
    var every = Math.max(2, Number(live.getAttribute('data-every')) || 5) * 1000;
    var poll = function () {
      fetch(live.getAttribute('data-live'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.ok ? res.json() : undefined; })
        .then(function (view) {
          if (!view) return;
          fillRequests(document.querySelector('#recent tbody'), view.recent || []);
          fillRequests(document.querySelector('#errors tbody'), view.errors || []);
          each('[data-field]', function (node) {
            var name = node.getAttribute('data-field');
            var value = name === 'ratio' ? (view.cache.ratio * 100).toFixed(1) + ' %'
              : name === 'requests' ? view.requests : view.cache[name];
            if (value !== undefined) node.textContent = String(value);
          });
          live.setAttribute('data-updated', new Date().toISOString());
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { setTimeout(poll, every); });
    };
    setTimeout(poll, every);
  }

  var status = document.getElementById('admin-status');
  each('form[data-api]', function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var body = {};
      var hasBody = false;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.disabled) { body[el.name] = el.value; hasBody = true; }
      });
      var headers = { 'x-modgate-request': '1', accept: 'application/json' };
      if (hasBody) headers['content-type'] = 'application/json';
      if (status) status.textContent = status.getAttribute('data-working');
      fetch(form.getAttribute('data-api'), {
        method: form.getAttribute('data-method') || 'POST',
        headers: headers,
        body: hasBody ? JSON.stringify(body) : undefined,
        credentials: 'same-origin',
      })
        .then(function (res) {
          if (res.ok) {
            if (status) status.textContent = status.getAttribute('data-done');
            location.reload();
            return;
          }
          return res.json().then(function (j) { return j && j.error && j.error.message; }, function () { return undefined; })
            .then(function (message) { fail(message || res.status + ' ' + res.statusText); });
        })
        .catch(function (err) { fail(String(err)); });
    });
  });

  function fail(message) {
    if (status) status.textContent = status.getAttribute('data-failed').replace('{message}', message);
  }
})();
`;
