/* global window, document, XMLHttpRequest, Headers, URL */
// Inlined at the top of <head> of every panel page (auth/csrf-page.ts: it must run before AdminJS's first
// API call) and also served as the login page's asset (AdminJS `assets.scripts`). Sends the per-session CSRF
// token with every same-origin request the AdminJS frontend makes (it uses XMLHttpRequest through axios;
// fetch is covered too) and adds it as a hidden _csrf field to forms posted by the page (the login form).
// Installed once per page even when present twice (inline and as the asset).
(function () {
  'use strict';
  if (window.__ledgerlineCsrfInstalled) return;
  window.__ledgerlineCsrfInstalled = true;
  var COOKIE = 'ledgerline_admin_csrf';
  // The cookie first (it follows a new sign-in), else the token the server wrote into the page.
  function token() {
    var parts = document.cookie ? document.cookie.split(';') : [];
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].trim().split('=');
      if (kv[0] === COOKIE) return decodeURIComponent(kv.slice(1).join('='));
    }
    return typeof window.LEDGERLINE_CSRF === 'string' ? window.LEDGERLINE_CSRF : '';
  }
  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (_e) {
      return false;
    }
  }
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__ledgerlineUrl = url;
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var t = token();
    if (t && sameOrigin(this.__ledgerlineUrl)) this.setRequestHeader('X-CSRF-Token', t);
    return send.apply(this, arguments);
  };
  if (window.fetch) {
    var origFetch = window.fetch;
    window.fetch = function (input, init) {
      var url = typeof input === 'string' ? input : input && input.url;
      var t = token();
      if (t && sameOrigin(url)) {
        init = init || {};
        var headers = new Headers(init.headers || (typeof input !== 'string' && input.headers) || {});
        headers.set('X-CSRF-Token', t);
        init.headers = headers;
      }
      return origFetch.call(this, input, init);
    };
  }
  document.addEventListener(
    'submit',
    function (event) {
      var form = event.target;
      if (!form || !form.method || form.method.toLowerCase() !== 'post' || !sameOrigin(form.action)) return;
      var field = form.querySelector('input[name="_csrf"]');
      if (!field) {
        field = document.createElement('input');
        field.type = 'hidden';
        field.name = '_csrf';
        form.appendChild(field);
      }
      field.value = token();
    },
    true,
  );
})();
