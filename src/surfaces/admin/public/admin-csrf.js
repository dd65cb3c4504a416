/* global window, document, XMLHttpRequest, Headers, URL */
// Served to the panel's pages (AdminJS `assets.scripts`). Sends the per-session CSRF token with every
// same-origin request the AdminJS frontend makes (it uses XMLHttpRequest through axios; fetch is covered
// too) and adds it as a hidden _csrf field to forms posted by the page (the login form).
(function () {
  'use strict';
  var COOKIE = 'ledgerline_admin_csrf';
  function token() {
    var parts = document.cookie ? document.cookie.split(';') : [];
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].trim().split('=');
      if (kv[0] === COOKIE) return decodeURIComponent(kv.slice(1).join('='));
    }
    return '';
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
  document.addEventListener('submit', function (event) {
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
  }, true);
})();
