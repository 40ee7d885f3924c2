// Registers the service worker, announces a new version, and asks the browser to keep
// this site's storage (results live in localStorage).
(() => {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  const announce = (worker) => {
    if (document.querySelector('[data-testid="update-ready"]')) return;
    const bar = document.createElement('div');
    bar.className = 'update';
    bar.setAttribute('role', 'status');
    bar.dataset.testid = 'update-ready';
    const text = document.createElement('span');
    text.textContent = document.documentElement.lang === 'en' ? 'A new version is ready. ' : '新版本已准备好。';
    const button = document.createElement('button');
    button.textContent = document.documentElement.lang === 'en' ? 'Update' : '更新';
    button.addEventListener('click', () => worker.postMessage('skipWaiting'));
    bar.append(text, button);
    document.body.append(bar);
  };
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only an update reloads; the first install just starts controlling the page.
    if (hadController && !reloading) {
      reloading = true;
      location.reload();
    }
  });
  // On a first visit the worker's precache would share a weak connection with the app's own
  // download, so it registers once the page has loaded and the app has started (trunk's
  // start-up script announces that with TrunkApplicationStarted). The start-up script may run to
  // its end before this file has even arrived (the wasm travels inside the page): it sets
  // window.wasmBindings just before the event, so an app already started is seen here too.
  const loaded = new Promise((resolve) => (document.readyState === 'complete' ? resolve() : window.addEventListener('load', resolve)));
  const started = new Promise((resolve) => (window.wasmBindings ? resolve() : window.addEventListener('TrunkApplicationStarted', resolve)));
  Promise.all([loaded, started]).then(async () => {
    try {
      const registration = await navigator.serviceWorker.register('./sw.js');
      // A new version may be waiting, still installing (the browser checks on every visit,
      // often before this runs), or found later.
      const follow = (worker) => worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) announce(worker);
      });
      if (registration.waiting && hadController) announce(registration.waiting);
      follow(registration.installing);
      registration.addEventListener('updatefound', () => follow(registration.installing));
    } catch (e) {
      console.warn('offline support unavailable:', e);
    }
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
  });
})();
