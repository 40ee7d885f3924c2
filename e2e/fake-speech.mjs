// A stand-in for the browser's speechSynthesis, installed before the page loads: it records
// every utterance's text and lang in window.__spoken, "speaks" them one after another (onstart,
// then onend a moment later, asynchronously, as a browser does) and, while
// window.__holdSpeech is true, keeps speaking the current one until window.__releaseSpeech().

/** Installs the stand-in in every page of `context`. `voices`: the voices' langs, or null for a
 * browser without speechSynthesis; `late`: the voices load after the page, then voiceschanged. */
export async function installFakeSpeech(context, { voices = ['zh-CN', 'en-US'], late = false } = {}) {
  await context.addInitScript(({ voices, late }) => {
    if (voices === null) {
      Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });
      return;
    }
    window.__spoken = [];
    window.__holdSpeech = false;
    let listed = late ? [] : voices.map((lang) => ({ lang, name: lang, default: false, localService: true, voiceURI: lang }));
    const listeners = [];
    const queue = [];
    let current = null;
    let held = null;
    const fake = {
      speaking: false, pending: false, paused: false, onvoiceschanged: null,
      getVoices: () => listed,
      addEventListener(type, fn, options) { listeners.push({ type, fn, once: options === true ? false : !!options?.once }); },
      removeEventListener(type, fn) { const i = listeners.findIndex((l) => l.type === type && l.fn === fn); if (i >= 0) listeners.splice(i, 1); },
      speak(u) {
        window.__spoken.push({ text: u.text, lang: u.lang });
        queue.push(u);
        if (!current) setTimeout(next, 0);
      },
      cancel() {
        queue.length = 0;
        const cut = current;
        current = null;
        held = null;
        fake.speaking = false;
        if (cut) setTimeout(() => cut.onerror?.({ error: 'canceled' }), 0);
      },
      pause() {}, resume() {},
    };
    function next() {
      if (current) return;
      current = queue.shift() ?? null;
      fake.speaking = !!current;
      if (!current) return;
      const u = current;
      u.onstart?.({});
      const end = () => setTimeout(() => {
        if (current !== u) return;
        current = null;
        u.onend?.({});
        next();
      }, 20);
      if (window.__holdSpeech) held = end; else end();
    }
    window.__releaseSpeech = () => { window.__holdSpeech = false; const h = held; held = null; h?.(); };
    Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
    if (late) {
      setTimeout(() => {
        listed = voices.map((lang) => ({ lang, name: lang, default: false, localService: true, voiceURI: lang }));
        const event = new Event('voiceschanged');
        for (const l of [...listeners]) {
          if (l.type !== 'voiceschanged') continue;
          if (l.once) listeners.splice(listeners.indexOf(l), 1);
          l.fn.call(fake, event);
        }
        fake.onvoiceschanged?.(event);
      }, 300);
    }
  }, { voices, late });
}
