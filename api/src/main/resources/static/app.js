// Shared by the app's pages: sign-in with a token (kept for this tab only, in sessionStorage),
// every API call with it, and who is signed in. The pages hold no data of their own.
const Vejsyn = (() => {
  const KEY = 'vejsyn.token';
  let onSignedIn = () => {};

  const esc = s => String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));

  function api(path, init = {}) {
    const headers = Object.assign({}, init.headers || {}, {Authorization: 'Bearer ' + sessionStorage.getItem(KEY)});
    return fetch(path, Object.assign({}, init, {headers})).then(r => {
      if (r.status === 401) { signIn('Nøglen er ugyldig, udløbet eller tilbagekaldt.'); }
      return r;
    });
  }

  function dialog() {
    let d = document.getElementById('signin');
    if (d) return d;
    d = document.createElement('div');
    d.id = 'signin';
    d.innerHTML = `<form aria-labelledby="signin-title">
      <h1 id="signin-title">Vejsyn</h1>
      <label for="token">Indsæt din adgangsnøgle (API-token) for at se kommunens vejskader.</label>
      <input id="token" type="password" autocomplete="off" placeholder="vjs_..." required>
      <div class="error" id="signin-error" role="alert"></div>
      <button type="submit">Log ind</button></form>`;
    document.body.appendChild(d);
    d.querySelector('form').addEventListener('submit', e => {
      e.preventDefault();
      sessionStorage.setItem(KEY, document.getElementById('token').value.trim());
      document.getElementById('token').value = '';
      start(onSignedIn);
    });
    return d;
  }

  function signIn(message) {
    sessionStorage.removeItem(KEY);
    const d = dialog();
    document.getElementById('signin-error').textContent = message;
    d.style.display = 'flex';
    document.getElementById('token').focus();
    document.dispatchEvent(new Event('vejsyn:signed-out'));
  }

  async function start(callback) {
    onSignedIn = callback;
    if (!sessionStorage.getItem(KEY)) { signIn(''); return; }
    const r = await api('/api/v1/me');
    if (!r.ok) { return; }
    const me = await r.json();
    if (!me.municipality) { signIn('Denne nøgle hører ikke til en kommune (' + esc(me.role) + ').'); return; }
    dialog().style.display = 'none';
    const muni = document.getElementById('muni');
    if (muni) { muni.textContent = `Kommune ${me.municipality} · ${me.name} (${me.role})`; }
    onSignedIn(me);
  }

  document.addEventListener('click', e => {
    if (e.target && e.target.id === 'signout') { e.preventDefault(); signIn(''); }
  });

  /** True when the role may change a finding's status (planner, admin). */
  const mayChange = me => me.role === 'planner' || me.role === 'admin';

  /** Adds the configured base map (vejsyn.map.*) under a Leaflet map; without reachable tiles the map stays plain. */
  async function baseLayer(map) {
    if (map.vejsynBase) return;
    map.vejsynBase = true;
    const r = await api('/api/v1/map-settings');
    const s = r.ok ? await r.json() : {tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
                                        attribution: '© OpenStreetMap contributors'};
    L.tileLayer(s.tileUrl, {maxZoom: 20, attribution: esc(s.attribution)}).addTo(map);
  }

  /** A finding's status and damage type as the pages name them (in this order in filters). */
  const STATUS = {open: 'Ny', confirmed: 'Bekræftet', scheduled: 'Planlagt', possibly_repaired: 'Muligvis udbedret',
                  repaired: 'Udbedret', dismissed: 'Afvist'};
  const TYPES = {pothole: 'Hul i vejen', crack: 'Revne', longitudinal_crack: 'Længderevne',
                 transverse_crack: 'Tværrevne', alligator_crack: 'Krakeleret belægning'};

  /** True for every kind of crack: the crack family, drawn and sized alike. */
  const isCrack = type => type !== 'pothole' && Object.prototype.hasOwnProperty.call(TYPES, type);

  /**
   * A finding's size as a repair is planned by (API field names): a pothole's area, a crack's length
   * (sealed by the metre), alligator cracking's area (patched by the square metre).
   */
  function size(f) {
    const w = f.widthM ?? f.width_m, l = f.lengthM ?? f.length_m, a = f.areaM2 ?? f.area_m2;
    if (f.type === 'alligator_crack') return `${a.toFixed(2)} m² (${w.toFixed(2)} × ${l.toFixed(2)} m)`;
    if (isCrack(f.type)) return `${l.toFixed(2)} m lang`;
    return `${w.toFixed(2)} × ${l.toFixed(2)} m (${a.toFixed(2)} m²)`;
  }

  return {api, start, signIn, esc, mayChange, baseLayer, STATUS, TYPES, isCrack, size};
})();
