import { type RequestHandler, Router } from 'express';
import { noStore } from '../http/security.js';

/**
 * The page a set-password link opens, until the staff console (client/console) takes it over. The
 * token travels in the link's fragment, which browsers never send to a server, so it reaches no
 * access log; the script reads it and posts it with the new password to POST /api/staff/password.
 * The script is a file of its own because the CSP allows no inline script.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set your password – Fieldkit staff</title>
<script src="/staff/password.js" defer></script>
</head>
<body>
<main>
<h1>Set your password</h1>
<form id="set-password" novalidate>
<p><label for="password">New password (at least 12 characters; a few unrelated words work well)</label><br>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required></p>
<p><label for="confirm">The same password again</label><br>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required></p>
<p><button type="submit">Set password</button></p>
<p id="message" role="status" aria-live="polite"></p>
</form>
</main>
</body>
</html>
`;

const SCRIPT = `'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('set-password');
  var message = document.getElementById('message');
  var token = location.hash.slice(1);
  history.replaceState(null, '', location.pathname);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = form.password.value;
    if (password !== form.confirm.value) { message.textContent = 'The two passwords differ.'; return; }
    fetch('/api/staff/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: token, password: password })
    }).then(function (res) {
      return res.json().then(function (body) {
        message.textContent = res.ok
          ? 'Your password is set. You can now sign in as ' + body.staff.email + '.'
          : body.error.message;
        if (res.ok) form.querySelector('button').disabled = true;
      });
    }, function () { message.textContent = 'The server could not be reached; try again.'; });
  });
});
`;

const send =
  (type: string, body: string): RequestHandler =>
  (_req, res) => {
    res.type(type).send(body);
  };

export function passwordPageRoutes(): Router {
  const router = Router();
  router.get('/staff/password', noStore, send('html', PAGE));
  router.get('/staff/password.js', send('js', SCRIPT));
  return router;
}
