// A small, dependency-free GraphQL IDE served from local files (no CDN: these networks have no internet).
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var store = window.localStorage;
  var DEFAULT_QUERY =
    '# Authenticate with a tenant API key (createApiKey) or a JWT above, then press Ctrl+Enter.\n' +
    'query Users($first: Int) {\n  viewer { kind tenantId scopes }\n  users(first: $first) {\n    totalCount\n' +
    '    edges { node { id userName displayName roles { value } groups { totalCount } } }\n' +
    '    pageInfo { hasNextPage endCursor }\n  }\n}\n';

  $('query').value = store.getItem('cpd.ide.query') || DEFAULT_QUERY;
  $('variables').value = store.getItem('cpd.ide.variables') || '{ "first": 10 }';
  $('headers').value = store.getItem('cpd.ide.headers') || '{}';
  $('token').value = store.getItem('cpd.ide.token') || '';

  function save() {
    store.setItem('cpd.ide.query', $('query').value);
    store.setItem('cpd.ide.variables', $('variables').value);
    store.setItem('cpd.ide.headers', $('headers').value);
    store.setItem('cpd.ide.token', $('token').value);
  }

  function parseJson(text, what) {
    if (!text.trim()) return {};
    try { return JSON.parse(text); } catch (e) { throw new Error(what + ' is not valid JSON: ' + e.message); }
  }

  function post(body) {
    var headers = Object.assign({ 'content-type': 'application/json', accept: 'application/json' },
      parseJson($('headers').value, 'Extra headers'));
    var token = $('token').value.trim();
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(window.location.pathname, { method: 'POST', headers: headers, body: JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (text) {
          var json;
          try { json = JSON.parse(text); } catch (e) { json = text; }
          return { status: res.status, requestId: res.headers.get('x-request-id'), json: json };
        });
      });
  }

  function run() {
    save();
    var started = performance.now();
    $('status').textContent = 'running…';
    var body;
    try {
      body = { query: $('query').value, variables: parseJson($('variables').value, 'Variables') };
    } catch (e) {
      $('status').textContent = '';
      $('result').textContent = e.message;
      return;
    }
    post(body).then(function (r) {
      $('status').textContent = 'HTTP ' + r.status + ' · ' + Math.round(performance.now() - started) + ' ms · request ' + r.requestId;
      $('result').textContent = typeof r.json === 'string' ? r.json : JSON.stringify(r.json, null, 2);
    }).catch(function (e) {
      $('status').textContent = '';
      $('result').textContent = String(e);
    });
  }

  // --- schema browser -------------------------------------------------------------------------
  var TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
  var INTROSPECTION =
    'query IdeSchema { __schema { queryType { name } mutationType { name } types { kind name description ' +
    'fields { name description args { name type { ' + TYPE_REF + ' } defaultValue } type { ' + TYPE_REF + ' } } ' +
    'inputFields { name description type { ' + TYPE_REF + ' } defaultValue } enumValues { name description } ' +
    'possibleTypes { name } } } }';
  var types = {};
  var roots = [];

  function typeName(t) {
    if (!t) return '';
    if (t.kind === 'NON_NULL') return typeName(t.ofType) + '!';
    if (t.kind === 'LIST') return '[' + typeName(t.ofType) + ']';
    return t.name;
  }
  function baseName(t) { while (t && t.ofType) t = t.ofType; return t ? t.name : ''; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function typeLink(t) {
    var a = el('a', 'typeref', typeName(t));
    a.addEventListener('click', function () { $('docs-search').value = baseName(t); render(); });
    return a;
  }

  function renderType(t) {
    var box = el('div', 'type');
    box.appendChild(el('h4', '', t.kind.toLowerCase() + ' ' + t.name));
    if (t.description) box.appendChild(el('p', '', t.description));
    (t.fields || t.inputFields || []).forEach(function (f) {
      var line = el('div', 'field');
      var args = (f.args || []).map(function (a) { return a.name + ': ' + typeName(a.type); }).join(', ');
      line.appendChild(document.createTextNode(f.name + (args ? '(' + args + ')' : '') + ': '));
      line.appendChild(typeLink(f.type));
      if (f.description) line.appendChild(el('span', 'desc', f.description));
      box.appendChild(line);
    });
    (t.enumValues || []).forEach(function (v) { box.appendChild(el('div', 'field', v.name)); });
    (t.possibleTypes || []).forEach(function (p) { box.appendChild(el('div', 'field', '| ' + p.name)); });
    return box;
  }

  function render() {
    var q = $('docs-search').value.trim().toLowerCase();
    var docs = $('docs');
    docs.textContent = '';
    var names = Object.keys(types).filter(function (n) { return n.indexOf('__') !== 0; });
    var shown = q
      ? names.filter(function (n) {
          var t = types[n];
          return n.toLowerCase().indexOf(q) >= 0 ||
            (t.fields || t.inputFields || []).some(function (f) { return f.name.toLowerCase().indexOf(q) >= 0; });
        })
      : roots.concat(names.filter(function (n) { return roots.indexOf(n) < 0; }).sort());
    shown.forEach(function (n) { if (types[n]) docs.appendChild(renderType(types[n])); });
  }

  function loadDocs() {
    save();
    $('docs').textContent = 'Loading…';
    post({ query: INTROSPECTION }).then(function (r) {
      var schema = r.json && r.json.data && r.json.data.__schema;
      if (!schema) {
        $('docs').textContent = 'Could not load the schema: ' + JSON.stringify(r.json && r.json.errors ? r.json.errors[0].message : r.json);
        return;
      }
      types = {};
      schema.types.forEach(function (t) { types[t.name] = t; });
      roots = [schema.queryType && schema.queryType.name, schema.mutationType && schema.mutationType.name].filter(Boolean);
      render();
    }).catch(function (e) { $('docs').textContent = String(e); });
  }

  $('run').addEventListener('click', run);
  $('load-docs').addEventListener('click', loadDocs);
  $('docs-search').addEventListener('input', render);
  $('token').addEventListener('change', function () { save(); loadDocs(); });
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); run(); }
  });
  $('query').addEventListener('keydown', function (e) {
    if (e.key === 'Tab') {
      e.preventDefault();
      var ta = e.target, s = ta.selectionStart;
      ta.value = ta.value.slice(0, s) + '  ' + ta.value.slice(ta.selectionEnd);
      ta.selectionStart = ta.selectionEnd = s + 2;
    }
  });
  loadDocs();
})();
