// /card#<secret>: where a login card's QR code leads when a phone's camera app
// opens it. The secret is taken out of the address at once (so it stays neither
// in the history of a shared phone nor on screen), then sent to log in.
import { start, api, t, errorText, onLangChange } from './app.js';

const secret = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, '', location.pathname);

const status = document.getElementById('status');
const err = document.getElementById('card-error');
let message = null;

function fail(render) {
  message = render;
  status.textContent = '';
  err.textContent = render();
  document.getElementById('card-help').hidden = false;
}

await start({ auth: false });
onLangChange(() => {
  if (message) err.textContent = message();
});

if (!secret) {
  fail(() => t('card.no_code'));
} else {
  try {
    await api('/api/v1/session/card', { method: 'POST', body: { code: secret } });
    status.textContent = t('login.success');
    location.replace('/');
  } catch (e) {
    const bad = e.status === 401 || e.status === 404;
    fail(() => (bad ? t('login.bad_card') : errorText(e)));
  }
}
