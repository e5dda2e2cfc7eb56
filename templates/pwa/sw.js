{#- The service worker: this server's constants and the shell (fieldapp/pwa/shell.py), then the
    worker's code as it is (pwa/worker.js: plain JavaScript, so that `make lint` checks it). -#}
// fieldapp service worker (the code after these constants is templates/pwa/worker.js).
const VERSION = {{ version|tojson }};
const SHELL = {{ shell|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const CSRF_URL = {{ csrf_url|tojson }};
const ICON_URL = {{ icon_url|tojson }};
const PAGES_URL = {{ pages_url|tojson }};
const LOGIN_URL = {{ login_url|tojson }};
importScripts({{ outbox_script|tojson }});

{{ worker_code }}
