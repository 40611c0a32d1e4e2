// The demo data (`laget serve --demo`) the scenarios use, and the state that
// earlier scenarios leave for later ones. The objects are shared: a feature
// file that imports `state` or `stafett` sees what an earlier feature stored
// there, so the features must run in the order run.mjs gives.

export const DEMO_PASSWORD = 'Tusenfryd-Gulrot-Lunefull-42';
export const MUNICIPALITY = 'Demo kommune';
export const LEADER_UNIT = 'Solsiden barnehage';

// A suffix that makes the names this run creates unique.
export const stamp = Date.now().toString(36).slice(-5);
export const state = {
  municipalityId: null,
  unitName: `Testskolen ${stamp}`,
  unitNameEdited: `Testskolen ${stamp} endret`,
  unitHref: null,
  newUser: {
    name: `Test Testesen ${stamp}`,
    username: `test.${stamp}`,
    email: `test.${stamp}@demo.kommune.no`,
    password: 'Blåbær-Trampoline-Vindu-77',
  },
  userHref: null,
  // The catalogue (scenarios h–l).
  filteredCount: null, // offers for a 9-year-old with school absence
  filteredUrl: null,
  filteredNames: null,
  offerHref: null, // the offer the editor changes
  offerOriginal: null,
  proposalWaiting: false,
};

// The child's log (stafettlogg, scenarios m1–m7): a child registered by
// «ansatt» in Solsiden barnehage, the log handed over to a school user that
// kommuneadmin creates in Bakken skole.
export const STAFETT = {
  staff: 'Astrid Ansatt',
  leader: 'Leif Leder',
  school: 'Bakken skole',
  badNationalId: '01011912345', // eleven digits, wrong check digit
  child: `Emil Stafett ${stamp}`,
  birth: '14.03.2019',
  guardians: [
    { name: `Marte Stafett ${stamp}`, relation: 'mor', label: 'Mor', phone: '912 34 567', email: `marte.${stamp}@example.no` },
    { name: `Ola Stafett ${stamp}`, relation: 'far', label: 'Far', phone: '987 65 432', email: '' },
  ],
  concern: 'Emil gråter ofte ved levering og trekker seg unna de andre barna i frilek. Han har sagt «ingen vil leke med meg» tre ganger denne uka.',
  consentNote: 'Mor og far samtykket muntlig i foreldresamtale 12. mai; hørt av Astrid Ansatt og pedagogisk leder.',
  schoolUser: {
    name: `Sara Skolesen ${stamp}`,
    username: `skole.${stamp}`,
    email: `skole.${stamp}@demo.kommune.no`,
    password: 'Kakao-Sykkel-Fjellvann-58',
  },
  teamRole: 'Kontaktlærer',
  measureGoal: 'Emil skal ha minst én venn å leke med i friminuttene.',
  bestInterest: 'Tiltaket er til Emils beste: han har selv sagt at han vil ha noen å leke med, og foreldrene støtter det.',
  voiceWords: 'Jeg liker å bygge med klosser. Det er kjedelig når ingen vil være med.',
  levelReason: 'Uroen er bekreftet; barnehagen og skolen må samarbeide før skolestart.',
  skipReason: 'Overgangen til skolen er om kort tid, så innsats i én tjeneste alene er ikke nok.',
  needsToKnow: 'Emil trenger en fast voksen de første ukene og en rolig start på dagen.',
  withdrawReason: 'Foreldrene ønsker ikke lenger at barnehagen får informasjon etter overgangen.',
};
export const stafett = {
  childHref: null,
  logHref: null, // /logger/{id}
  measureHref: null,
  schoolOnTeam: false,
  handedOver: false,
};

// The demo catalogue (crates/cli/demo/offers.json).
export const CATALOGUE = {
  number: '9999',
  neighbour: 'Nabo kommune',
  ageError: 'Skriv en alder (0–25), et spenn som 6-12, eller «gravide».',
  // A step-1 offer for school absence with links one step up.
  ladderStart: 'Tidlig oppfølging av skolefravær',
  // A published offer of Familiesenteret (redaktor's unit), for other
  // challenges than school absence, so the count of scenario h stays valid.
  editOffer: 'Kort foreldreveiledning ved atferdsvansker',
  newPhone: '+47 412 34 567',
  newAgeTo: '14',
  comment: 'Godkjent: tilbudet passer også for 13- og 14-åringer.',
};
