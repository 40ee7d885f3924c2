// The static first screen (scripts/shell.mjs puts it into index.html, inline, right after
// #kepu-shell): the app's own home screen and registration form for the default contest, as
// the app drew them at build time, working before the WebAssembly has started. Start shows
// the form, 返回 the home screen again; a form sent before the app runs waits for it. Once the
// app runs it takes over (src/web/shell.rs): the screen the person is on, what was typed and
// chosen, and the focus, then removes this.
// Used only where the prerendered screen is the one the app would show: the default contest,
// open now, on a device that holds nothing of this app yet (no one registered, no results, no
// settings, no preferences). Anywhere else it is removed and the app shows its loading line.
(() => {
  const shell = document.getElementById('kepu-shell');
  const status = shell.querySelector('[data-testid="contest-status"]');
  const now = Date.now();
  let fresh = false;
  try {
    fresh = !Object.keys(localStorage).some((k) => k.startsWith('kepu.'));
  } catch {}
  const open = status && Number(status.dataset.starts) <= now && now < Number(status.dataset.ends);
  if (!fresh || !open || new URLSearchParams(location.search).get('contest')?.trim()) {
    shell.remove();
    return;
  }
  const show = (screen) => {
    shell.dataset.screen = screen;
    for (const part of shell.querySelectorAll('[data-shell]')) part.hidden = part.dataset.shell !== screen;
  };
  const on = (selector, type, act) => shell.querySelector(selector)?.addEventListener(type, act);
  on('[data-testid="start-round"]', 'click', () => show('register'));
  on('[data-testid="start-practice"]', 'click', () => show('wait'));
  on('form button[type="button"]', 'click', () => show('home'));
  on('form', 'submit', (e) => {
    // The app sends it once it runs (src/web/shell.rs).
    e.preventDefault();
    shell.dataset.submit = 'waiting';
    const button = shell.querySelector('[data-testid="reg-submit"]');
    button.setAttribute('aria-busy', 'true');
    button.textContent = button.dataset.busy;
  });
  // The city and county lists come with the app: say so under the province.
  on('[data-testid="reg-region-1"]', 'change', (e) => {
    if (shell.querySelector('.regions .loading')) return;
    const wait = shell.querySelector('[data-shell="wait"] .loading').cloneNode(true);
    e.target.closest('label').after(wait);
  });
  document.getElementById('app').hidden = true;
  shell.hidden = false;
})();
