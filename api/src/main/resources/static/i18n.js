// English for the app's pages. The pages are written in Danish (the users' language); with
// English chosen (the link in each page's navigation, kept in localStorage), every Danish text
// the page shows — in its HTML or put there later by its script — is looked up here by its
// exact words (the gettext way: the Danish text is the key), and texts with numbers by pattern.
// A text not found stays Danish; EnglishBrowserTest checks every page for Danish left over.
const VejsynI18n = (() => {
  const lang = localStorage.getItem('vejsyn.lang') === 'en' ? 'en' : 'da';
  const EN = {
    'Vejsyn – vejskader': 'Vejsyn – road damage', 'Vejsyn – gennemgang af fund': 'Vejsyn – review findings',
    'Vejsyn – fund': 'Vejsyn – finding', 'Vejsyn – indsend en kørsel': 'Vejsyn – upload a drive',
    'Vejsyn – overblik': 'Vejsyn – overview', 'Vejsyn – arbejdsordre': 'Vejsyn – work order',
    'Kort': 'Map', 'Gennemgang': 'Review', 'Gennemgå nye fund': 'Review new findings', 'Indsend kørsel': 'Upload drive',
    'Overblik': 'Overview', 'Arbejdsordrer': 'Work orders', 'Log ud': 'Sign out', 'Log ind': 'Sign in',
    'Indsæt din adgangsnøgle (API-token) for at se kommunens vejskader.':
        "Paste your access key (API token) to see the municipality's road damage.",
    'Nøglen er ugyldig, udløbet eller tilbagekaldt.': 'The key is invalid, expired or revoked.',
    'Status': 'Status', 'Type': 'Type', 'Alle': 'All', 'Mindste alvor': 'Minimum severity', 'Mindste størrelse (m²)': 'Minimum size (m²)',
    'Senest set efter': 'Last seen after', 'Først set før': 'First seen before', 'Sortér efter': 'Sort by',
    'Alvor': 'Severity', 'Senest set': 'Last seen', 'Sikkerhed': 'Confidence', 'Vis': 'Show', 'Vis flere': 'Show more',
    'Vis kørte strækninger (90 dage)': 'Show driven roads (90 days)', 'Vis vejstrækningers tilstand (1-5)': 'Show road condition (1-5)',
    'Ikke inspiceret': 'Not inspected', 'Tegn område på kortet': 'Draw an area on the map',
    'Afslut område': 'Finish area', 'Fjern område': 'Remove area', 'Fund i filteret': 'Findings in the filter',
    'Klik på hjørnerne af området på kortet.': "Click the area's corners on the map.",
    'Et område har mindst tre hjørner.': 'An area has at least three corners.',
    'Filter og liste': 'Filter and list', 'Kort over fundene': 'Map of the findings', 'Fund': 'Finding',
    'Første gang set': 'First seen', 'Sidst set': 'Last seen', 'Observationer': 'Sightings',
    'Udsnit af billedet med skaden': 'Crop of the image with the damage',
    'Ny': 'New', 'Bekræftet': 'Confirmed', 'Planlagt': 'Scheduled', 'Muligvis udbedret': 'Possibly repaired',
    'Udbedret': 'Repaired', 'Afvist': 'Dismissed',
    'Hul i vejen': 'Pothole', 'Revne': 'Crack', 'Længderevne': 'Longitudinal crack', 'Tværrevne': 'Transverse crack',
    'Krakeleret belægning': 'Alligator cracking', 'Revne (alle slags)': 'Crack (all kinds)', 'Revner': 'Cracks',
    'Gennemgang af fund': 'Review findings', 'Nye fund': 'New findings', 'Køer': 'Queues',
    'En person bekræfter: modellen foreslår, du afgør. Tastatur:': 'A person confirms: the model proposes, you decide. Keyboard:',
    'bekræft,': 'confirm,', 'afvis,': 'dismiss,', 'spring over.': 'skip.',
    'Bekræft (B)': 'Confirm (B)', 'Afvis (A)': 'Dismiss (A)', 'Udbedret (B)': 'Repaired (B)', 'Stadig der (A)': 'Still there (A)',
    'Spring over': 'Skip', 'Din rolle kan se fund, men ikke ændre dem.': 'Your role can see findings but not change them.',
    'Hvorfor afvises fundet?': 'Why is the finding dismissed?', 'Afvis fundet': 'Dismiss the finding', 'Fortryd': 'Cancel',
    '(detaljer)': '(details)', 'Sted': 'Place', 'Størrelse': 'Size', 'Set': 'Seen',
    'Køen er gennemgået.': 'The queue is done.', 'Ingen fund i denne kø.': 'No findings in this queue.',
    'Oplysninger': 'Details', 'Skift status': 'Change status', 'Ny status': 'New status',
    'Note (skal udfyldes ved afvisning)': 'Note (required when dismissing)', 'Gem': 'Save', 'Historik': 'History',
    'Ikke set ved': 'Not seen on', 'Fundet findes ikke': 'The finding does not exist',
    'Skriv hvorfor fundet afvises.': 'Write why the finding is dismissed.',
    'Oprettet': 'Created', 'Set igen': 'Seen again', 'Status ændret': 'Status changed', 'Ikke set ved kørsel': 'Not seen on a drive',
    'Indsend en kørsel': 'Upload a drive', 'Din rolle kan ikke indsende kørsler.': 'Your role cannot upload drives.',
    'Video og GPS-spor': 'Video and GPS track', 'Video (MP4)': 'Video (MP4)',
    'GPS-spor (GPX, NMEA eller CSV)': 'GPS track (GPX, NMEA or CSV)', 'Kameraprofil (JSON, valgfri)': 'Camera profile (JSON, optional)',
    'Eller billeder': 'Or photos', 'Zip med billeder med GPS-position (EXIF)': 'Zip of photos with GPS position (EXIF)',
    'Køretøj': 'Vehicle', 'Kørslens navn (samme navn igen tilføjer intet to gange)': "The drive's name (the same name again adds nothing twice)",
    'Indsend': 'Upload', 'Overført': 'Transferred', 'Behandlet': 'Processed', 'Gennemgå de nye fund': 'Review the new findings',
    'Forbindelsen blev afbrudt; prøv igen.': 'The connection was lost; try again.',
    'I kø': 'Queued', 'Behandles': 'Processing', 'Færdig': 'Done', 'Fejlede': 'Failed',
    'Fund efter status': 'Findings by status', 'Aktive fund efter alvor': 'Active findings by severity', 'Kørt': 'Driven',
    'Antal': 'Count', 'Nye og udbedrede fund pr. uge': 'New and repaired findings per week', 'nye': 'new',
    'udbedrede': 'repaired', 'Uge (mandag)': 'Week (Monday)', 'Nye': 'New', 'Udbedrede': 'Repaired',
    'Planlæg en reparationsrunde': 'Plan a repair run', 'Bekræftede fund (alvorligste først)': 'Confirmed findings (most severe first)',
    'Dato': 'Date', 'Hold': 'Crew', 'Note til holdet': 'Note to the crew', 'Opret arbejdsordre': 'Create work order',
    'Ingen endnu.': 'None yet.', 'Udskriv': 'Print', 'Hent CSV': 'Download CSV', 'Hent GeoJSON': 'Download GeoJSON',
    'Kortudsnit med de nummererede fund': 'Map extract with the numbered findings', 'Nr.': 'No.',
    'Position (WGS84)': 'Position (WGS84)', 'Billede': 'Image', 'Dato:': 'Date:', 'Hold:': 'Crew:', 'Kommune:': 'Municipality:',
    'Oprettet af:': 'Created by:', 'Note:': 'Note:', 'Vælg mindst ét fund.': 'Choose at least one finding.',
    'Ingen bekræftede fund.': 'No confirmed findings.', 'Arbejdsordrer ': 'Work orders ', 'Arbejdsordrer.': 'Work orders.',
    'Arbejdsordren findes ikke': 'The work order does not exist',
    'Vis køretøjer (senest kendte position)': 'Show vehicles (last known position)',
  };
  // Texts with numbers or names in them.
  const PATTERNS = [
    [/^Fund (\d+) af (\d+)$/, 'Finding $1 of $2'], [/^1 fund$/, '1 finding'], [/^(\d+) fund$/, '$1 findings'],
    [/^Kommune (\d{3}) · (.*) \((\w+)\)$/, 'Municipality $1 · $2 ($3)'], [/^(\d) af 5$/, '$1 of 5'],
    [/^Fund #(\d+): (.*)$/, (m, id, type) => `Finding #${id}: ${EN[type] || type}`],
    [/^Arbejdsordre #(\d+)$/, 'Work order #$1'], [/^Gemt: (.*)$/, (m, s) => `Saved: ${EN[s] || s}`],
    [/^Kunne ikke (gemme|oprette|ændre fund #\d+): (.*)$/, (m, what, why) => `Could not ${what === 'gemme' ? 'save'
        : what === 'oprette' ? 'create' : 'change finding ' + what.slice(12)}: ${why}`],
    [/^Kørslen blev ikke modtaget: (.*)$/, 'The drive was not received: $1'],
    [/^(\d+) (gang|gange), første gang (.*),\s*senest (.*)$/s, '$1 time(s), first $3, last $4'],
    [/^(\d+) kørsl(?:er|) siden$/, '$1 drive(s) since'], [/^(\d+) kørsel siden$/, '$1 drive since'],
    [/^Seneste 30 dage: (.*)$/, (m, rest) => 'Last 30 days: ' + rest.replace(/kørsler|kørsel/g, 'drive(s)').replace('I alt', 'In all')],
    [/^(Behandles|I kø|Færdig|Fejlede): (\d+) af (\S+) billeder læst(.*)$/, (m, st, a, b, eta) =>
        `${EN[st]}: ${a} of ${b} images read${eta.replace(', ca.', ', about').replace('tilbage', 'left')}`],
    [/^Færdig: (\d+) observationer \((\d+) kendt i forvejen\), (\d+) nye fund, (\d+) opdaterede\.\s*$/,
        'Done: $1 sightings ($2 known before), $3 new findings, $4 updated. '],
    [/^Tilstand (\d) af 5$/, 'Condition $1 of 5'], [/^Huller: (\d+)$/, 'Potholes: $1'],
    [/^Senest kørt (.*)$/, 'Last driven $1'],
    [/^Alvor$/, 'Severity'], [/^(\d+) gang$/, '$1 time'],
    [/^Køretøj (.+)$/, 'Vehicle $1'], [/^Senest hørt fra (.*)$/, 'Last heard from $1'],
    [/^Ikke hørt fra i over (\d+) min$/, 'Not heard from for over $1 min'],
    [/^Udbakke: (\d+) emner, (\d+) kB$/, 'Outbox: $1 items, $2 kB'], [/^Tabt: (\d+)$/, 'Dropped: $1'],
    [/^Sidste fejl: (.*)$/s, 'Last error: $1'],
    [/^([\d.]+) m lang$/, '$1 m long'],
  ];

  function t(s) {
    const key = s.trim();
    if (lang !== 'en' || !key) return s;
    if (Object.prototype.hasOwnProperty.call(EN, key)) return s.replace(key, EN[key]);
    for (const [re, to] of PATTERNS) {
      if (re.test(key)) return s.replace(key, key.replace(re, to));
    }
    return s;
  }

  function translate(root) {
    if (lang !== 'en') return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const to = t(n.nodeValue);
      if (to !== n.nodeValue) n.nodeValue = to;
    }
    const elements = root.querySelectorAll ? root.querySelectorAll('[placeholder],[aria-label],[alt],[title]') : [];
    for (const el of elements) {
      for (const a of ['aria-label', 'alt', 'title']) {
        if (el.hasAttribute(a)) { const to = t(el.getAttribute(a)); if (to !== el.getAttribute(a)) el.setAttribute(a, to); }
      }
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.documentElement.lang = lang;
    document.title = t(document.title);
    const nav = document.querySelector('nav');
    if (nav) {
      const a = document.createElement('a');
      a.href = '#';
      a.id = 'lang';
      a.lang = lang === 'en' ? 'da' : 'en';
      a.textContent = lang === 'en' ? 'Dansk' : 'English';
      a.addEventListener('click', e => {
        e.preventDefault();
        localStorage.setItem('vejsyn.lang', lang === 'en' ? 'da' : 'en');
        location.reload();
      });
      nav.appendChild(a);
    }
    translate(document.body);
    if (lang === 'en') {
      // What the page's script writes later is translated as it appears.
      new MutationObserver(changes => {
        for (const c of changes) {
          if (c.type === 'characterData') { const to = t(c.target.nodeValue); if (to !== c.target.nodeValue) c.target.nodeValue = to; }
          for (const n of c.addedNodes || []) {
            if (n.nodeType === Node.TEXT_NODE) { const to = t(n.nodeValue); if (to !== n.nodeValue) n.nodeValue = to; }
            else if (n.nodeType === Node.ELEMENT_NODE) translate(n);
          }
        }
      }).observe(document.body, {childList: true, subtree: true, characterData: true});
    }
  });

  return {lang, t};
})();
