//! The children of «Demo kommune» and their logs (stafettlogger), so that
//! every page has something real to show: logs on every BTI level, some
//! closed, first-level decisions that are overdue, consents (expired,
//! withdrawn, soon expiring, from the youth), teams across services,
//! handovers (one accepted at the move from kindergarten to school, two
//! waiting), measures from the catalogue and free-form, evaluations (some
//! overdue), BBIS, the child's voice, reports of concern and anonymous
//! consultations.
//!
//! Everything is invented. National identity numbers are synthetic (month
//! plus 80, which no real person has). Each log is written by the demo user
//! who would do it in real life, through the same capabilities as the web
//! pages, so the access log tells the story too.
//!
//! Dates are relative to the day the demo is seeded. The log's own dates
//! (level since, decision deadline, consents, measures, evaluations) are set
//! in the past where the story needs it; the timeline's timestamps are the
//! moment of seeding, since the log records when something was written.

use chrono::{Duration, Months, NaiveDate};
use laget_db::{
    DbConnection, DbError, DbResult, admin::users, casework, catalogue::offers, children,
    log as logs,
};
use laget_domain::access::{Actor, LogReader, LogWriter};
use laget_domain::admin::user::Username;
use laget_domain::children::national_id::NationalId;
use laget_domain::children::{NewChild, NewGuardian};
use laget_domain::ids::{GuardianId, LogId, OfferId, TeamMemberId};
use laget_domain::log::bbis::{self, Assessment, Snapshot};
use laget_domain::log::consent::{ConsentForm, Giver, NewConsent};
use laget_domain::log::escalation::{LevelChange, LogSettings};
use laget_domain::log::stafett::{
    ChildVoice, Concern, HandoverChecklist, MeasureForm, MemberKind, NewEvaluation, NewMeasure,
};
use laget_domain::{MunicipalityId, UnitId};
use std::collections::HashMap;
use std::fmt::{Debug, Display};

pub(crate) const RID: &str = "demo";

pub(crate) const SOLSIDEN: &str = "Solsiden barnehage";
pub(crate) const LIA: &str = "Lia barnehage";
pub(crate) const BAKKEN: &str = "Bakken skole";
const SFO: &str = "Bakken SFO";
pub(crate) const FJELLET: &str = "Fjellet ungdomsskole";
const HELSE: &str = "Helsestasjon og skolehelsetjeneste";
const PPT: &str = "PPT Demo";
const FAMILIE: &str = "Familiesenteret";
const PHR: &str = "Psykisk helse og rus";
const UTEKONTAKT: &str = "Utekontakten";
const BARNEVERN: &str = "Barnevernstjenesten Demo og Nabo";

/// The demo users who work with children (each holds a role in one unit).
pub(crate) const STAFF: &[&str] = &[
    "ansatt",
    "leder",
    "larer",
    "rektor",
    "kontaktlarer",
    "pedagog",
    "ppt",
    "helsesykepleier",
    "barnevern",
];

#[derive(Clone, Copy)]
enum Age {
    /// Born this many months ago.
    Months(u32),
    /// Expected in this many days (gravid).
    DueIn(u64),
}

/// Who signs a consent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Givers {
    /// Every guardian with parental responsibility (the default rule).
    All,
    /// Only the first: the other signature is missing.
    First,
    /// The youth (15 or older) and every guardian.
    AllAndYouth,
    /// The youth alone.
    Youth,
}

struct ConsentSpec {
    units: &'static [&'static str],
    /// Valid from, days ago.
    from: i64,
    /// Valid to, days from today; negative: expired.
    to: i64,
    givers: Givers,
    method: &'static str,
    note: &'static str,
    /// Withdrawn later, with this reason.
    withdrawn: Option<&'static str>,
}

const CONSENT: ConsentSpec = ConsentSpec {
    units: &[],
    from: 30,
    to: 335,
    givers: Givers::All,
    method: "digitalt",
    note: "",
    withdrawn: None,
};

struct EvalSpec {
    /// Days ago.
    on: i64,
    effect: &'static str,
    continuation: &'static str,
    text: &'static str,
    /// Next evaluation, days from today (negative: overdue); not for «avslutte».
    next: i64,
}

struct MeasureSpec {
    /// A catalogue offer by name, or "" for a free-form measure.
    offer: &'static str,
    name: &'static str,
    goal: &'static str,
    /// The responsible team member (a demo user); "" for the lead.
    by: &'static str,
    /// Days ago.
    start: i64,
    /// Evaluate by, days from today; negative: overdue.
    evaluate: i64,
    /// Decided with a best-interest assessment; otherwise only proposed.
    decided: bool,
    evaluation: Option<EvalSpec>,
}

const MEASURE: MeasureSpec = MeasureSpec {
    offer: "",
    name: "",
    goal: "",
    by: "",
    start: 30,
    evaluate: 30,
    decided: true,
    evaluation: None,
};

struct HandoverSpec {
    to: &'static str,
    transition: bool,
    needs_to_know: &'static str,
    /// The new lead's answer when they have accepted; `None`: still waiting.
    accepted: Option<&'static str>,
}

/// (name, relation code, parental responsibility)
type GuardianSpec = (&'static str, &'static str, bool);

struct Story {
    child: &'static str,
    age: Age,
    /// With a synthetic national identity number.
    fnr: bool,
    /// The unit where the child is registered and the log starts.
    unit: &'static str,
    also: &'static [&'static str],
    guardians: &'static [GuardianSpec],
    /// The demo user who starts the log and holds it.
    lead: &'static str,
    /// Days ago.
    started: i64,
    concern: &'static str,
    areas: &'static [&'static str],
    theme: &'static str,
    /// The levels the log moved to after the first, in order.
    levels: &'static [u8],
    consents: &'static [ConsentSpec],
    /// Staff of other units (joined under a consent covering their unit)
    /// or of the lead's own unit: (user, role on the team).
    team: &'static [(&'static str, &'static str)],
    /// The guardians (and a child of ten or older) on the team.
    family: bool,
    measures: &'static [MeasureSpec],
    /// (method code, the child's words)
    voice: Option<(&'static str, &'static str)>,
    /// BBIS themes assessed (code, text); the others are «ikke aktuelt».
    bbis: &'static [(&'static str, &'static str)],
    report_sent: bool,
    coordination: Option<&'static str>,
    handover: Option<HandoverSpec>,
    closed: Option<&'static str>,
    /// The words the demo writes for the story: the municipality's written
    /// standard.
    words: &'static Words,
}

const S: Story = Story {
    child: "",
    age: Age::Months(48),
    fnr: false,
    unit: SOLSIDEN,
    also: &[],
    guardians: &[],
    lead: "ansatt",
    started: 30,
    concern: "",
    areas: &[],
    theme: "",
    levels: &[],
    consents: &[],
    team: &[],
    family: false,
    measures: &[],
    voice: None,
    bbis: &[],
    report_sent: false,
    coordination: None,
    handover: None,
    closed: None,
    words: &BOKMAL,
};

/// Why the log moved to a level, and the best-interest assessment (by level).
const LEVEL_REASONS: [(&str, &str); 4] = [
    ("", ""),
    (
        "Uroen er gjort konkret og delt med foresatte. Vi setter inn tiltak i egen tjeneste.",
        "Tiltak i hverdagen der barnet er, er minst inngripende og nærmest barnet. Barnet og foresatte er hørt.",
    ),
    (
        "Tiltakene i egen tjeneste er ikke nok. Vi trenger samarbeid med en tjeneste til.",
        "Foresatte ønsker hjelp. Samarbeid med en tjeneste til gir barnet et bedre tilbud uten å ta det ut av hverdagen.",
    ),
    (
        "Flere tjenester må samarbeide tett. Individuell plan vurderes, og bekymringsmelding til barnevernet vurderes.",
        "Barnets behov er sammensatte og alvorlige. Bred samhandling er til barnets beste; barnets egne ønsker er tatt med.",
    ),
];
const SKIP_REASON: &str = "Uroen er så alvorlig at vi går rett til samarbeid med flere tjenester.";
const BEST_INTEREST: &str = "Tiltaket er drøftet med foresatte og barnet. Det er minst inngripende og svarer på det barnet trenger nå.";

/// What the demo writes itself in a story (as the staff would), in one
/// written standard.
struct Words {
    level_reasons: [(&'static str, &'static str); 4],
    skip_reason: &'static str,
    best_interest: &'static str,
    guardian_role: &'static str,
    child_role: &'static str,
    youth_role: &'static str,
    report_sent: &'static str,
}

const BOKMAL: Words = Words {
    level_reasons: LEVEL_REASONS,
    skip_reason: SKIP_REASON,
    best_interest: BEST_INTEREST,
    guardian_role: "Foresatt",
    child_role: "Barnet selv",
    youth_role: "Ungdommen selv",
    report_sent: "Bekymringsmelding sendt til barneverntjenesten etter drøfting i laget.",
};

/// «Nabo kommune» writes nynorsk.
const NYNORSK: Words = Words {
    level_reasons: [
        ("", ""),
        (
            "Uroa er gjord konkret og delt med dei føresette. Vi set inn tiltak i eiga teneste.",
            "Tiltak i kvardagen der barnet er, grip minst inn og er nærast barnet. Barnet og dei føresette er høyrde.",
        ),
        (
            "Tiltaka i eiga teneste strekk ikkje til. Vi treng samarbeid med ei teneste til.",
            "Dei føresette ønskjer hjelp. Samarbeid med ei teneste til gir barnet eit betre tilbod utan å ta det ut av kvardagen.",
        ),
        (
            "Fleire tenester må samarbeide tett. Individuell plan og bekymringsmelding til barnevernet blir vurderte.",
            "Behova til barnet er samansette og alvorlege. Brei samhandling er til beste for barnet; ønska til barnet sjølv er tekne med.",
        ),
    ],
    skip_reason: "Uroa er så alvorleg at vi går rett til samarbeid med fleire tenester.",
    best_interest: "Tiltaket er drøfta med dei føresette og barnet. Det grip minst inn og svarer på det barnet treng no.",
    guardian_role: "Føresett",
    child_role: "Barnet sjølv",
    youth_role: "Ungdomen sjølv",
    report_sent: "Bekymringsmelding send til barnevernstenesta etter drøfting i laget.",
};

const STORIES: &[Story] = &[
    // ---- Solsiden barnehage: level 0, two of them overdue.
    Story {
        child: "Ida Fjeldstad",
        age: Age::Months(50),
        fnr: true,
        guardians: &[
            ("Kristin Fjeldstad", "mor", true),
            ("Jon Arne Fjeldstad", "far", true),
        ],
        started: 20,
        concern: "Ida trekker seg unna i frilek og gråter lenge etter levering. Hun sier lite til de voksne og har sluttet å spise lunsj.",
        areas: &["samspill", "psykisk_helse"],
        theme: "folelser_uttrykk",
        voice: Some((
            "observasjon",
            "Ida sier at hun vil hjem til mamma. Hun leker helst alene i dukkekroken og vil ikke ut.",
        )),
        ..S
    },
    Story {
        child: "Noah Bakkerud",
        age: Age::Months(38),
        guardians: &[
            ("Sara Bakkerud", "mor", true),
            ("Tom Erik Vold", "far", false),
        ],
        started: 17,
        concern: "Noah kommer flere dager på rad uten matpakke og virker sulten. Han mangler klær etter været.",
        areas: &["fattigdom_bolig", "foreldreveiledning"],
        theme: "grunnleggende_omsorg",
        ..S
    },
    Story {
        child: "Aksel Strand",
        age: Age::Months(34),
        guardians: &[
            ("Marte Strand", "mor", true),
            ("Henning Strand", "far", true),
        ],
        started: 9,
        concern: "Aksel bruker få ord sammenlignet med jevnaldrende og blir frustrert når han ikke blir forstått.",
        areas: &["sprak"],
        theme: "barnehage_skole",
        ..S
    },
    Story {
        child: "Selma Hovland",
        age: Age::Months(58),
        guardians: &[
            ("Ingrid Hovland", "mor", true),
            ("Ola Hovland", "far", true),
        ],
        started: 2,
        concern: "Selma har slått andre barn flere ganger denne uken og sier at hun er sint hele tiden.",
        areas: &["atferd"],
        theme: "folelser_uttrykk",
        ..S
    },
    Story {
        child: "Oskar Lunde",
        age: Age::Months(27),
        guardians: &[("Hilde Lunde", "mor", true), ("Petter Lunde", "far", true)],
        lead: "leder",
        started: 5,
        concern: "Oskar har mye fravær og virker sliten når han kommer. Foreldrene har nylig flyttet fra hverandre.",
        areas: &["samspill"],
        theme: "stabilitet",
        // Only the mother has signed so far.
        consents: &[ConsentSpec {
            units: &[HELSE],
            from: 3,
            to: 362,
            givers: Givers::First,
            ..CONSENT
        }],
        ..S
    },
    // ---- Solsiden: level 1.
    Story {
        child: "Leah Mørk",
        age: Age::Months(44),
        fnr: true,
        guardians: &[("Camilla Mørk", "mor", true), ("Stian Mørk", "far", true)],
        started: 75,
        concern: "Leah forstår beskjeder dårlig i samlingsstund og snakker i korte setninger.",
        areas: &["sprak"],
        theme: "barnehage_skole",
        levels: &[1],
        consents: &[ConsentSpec {
            units: &[HELSE],
            from: 60,
            to: 20,
            ..CONSENT
        }],
        family: true,
        measures: &[MeasureSpec {
            offer: "Språkstimulering og språkobservasjon i barnehagen",
            goal: "Leah bruker setninger med tre til fire ord i lek med andre barn.",
            start: 60,
            evaluate: -5,
            ..MEASURE
        }],
        ..S
    },
    Story {
        child: "Elias Vik",
        age: Age::Months(52),
        guardians: &[("Anette Vik", "mor", true), ("Kjell Vik", "far", true)],
        started: 90,
        concern: "Elias har vansker med overganger i løpet av dagen og får kraftige sinneutbrudd, særlig ved henting.",
        areas: &["atferd", "samspill"],
        theme: "folelser_uttrykk",
        levels: &[1],
        measures: &[
            MeasureSpec {
                offer: "ICDP foreldregrupper – «Gode samspill»",
                goal: "Foreldrene kjenner igjen Elias' signaler og hjelper ham å roe seg.",
                start: 70,
                evaluate: 0,
                evaluation: Some(EvalSpec {
                    on: 20,
                    effect: "bedre",
                    continuation: "fortsette",
                    text: "Foreldrene forteller om roligere kvelder. Henting går bedre.",
                    next: 21,
                }),
                ..MEASURE
            },
            MeasureSpec {
                name: "Fast voksen ved levering og henting",
                goal: "Elias får en trygg start og slutt på dagen.",
                start: 60,
                evaluate: 10,
                ..MEASURE
            },
        ],
        voice: Some((
            "tegning",
            "Elias tegnet seg selv sammen med Per og sa at han liker å bli tatt imot av ham om morgenen.",
        )),
        ..S
    },
    Story {
        child: "Sofie Aas",
        age: Age::Months(64),
        guardians: &[("Tone Aas", "mor", true)],
        started: 50,
        concern: "Sofie river ned andres byggverk og sier stygge ord til de andre barna. Mor forteller om det samme hjemme.",
        areas: &["atferd", "foreldreveiledning"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[MeasureSpec {
            offer: "Kort foreldreveiledning ved atferdsvansker",
            goal: "Mor har konkrete grep for situasjonene som blir vanskelige hjemme.",
            start: 10,
            evaluate: 50,
            decided: false,
            ..MEASURE
        }],
        ..S
    },
    Story {
        child: "Jakob Nilsen Rød",
        age: Age::Months(46),
        guardians: &[("Linda Rød", "mor", true), ("Arvid Nilsen", "far", true)],
        lead: "leder",
        started: 40,
        concern: "Jakob blir urolig ved alle skifter i dagsrytmen og gjemmer seg under bordet.",
        areas: &["atferd"],
        theme: "selvstendighet",
        levels: &[1],
        team: &[("ansatt", "Pedagogisk leder på avdelingen")],
        measures: &[MeasureSpec {
            name: "Dagtavle med bilder",
            goal: "Jakob vet hva som skjer nå og etterpå, og skiftene går roligere.",
            by: "ansatt",
            start: 30,
            evaluate: 14,
            ..MEASURE
        }],
        handover: Some(HandoverSpec {
            to: "ansatt",
            transition: false,
            needs_to_know: "Jakob trenger forutsigbarhet ved skifter; se tiltaket med dagtavle. Astrid kjenner Jakob best og bør holde stafetten.",
            accepted: None,
        }),
        ..S
    },
    Story {
        child: "Maja Sandvik",
        age: Age::Months(68),
        also: &[BAKKEN],
        guardians: &[("Eva Sandvik", "mor", true), ("Rune Sandvik", "far", true)],
        started: 120,
        concern: "Maja er svært stille i store grupper og trenger mye hjelp til å følge fellesbeskjeder.",
        areas: &["overganger", "sprak"],
        theme: "barnehage_skole",
        levels: &[1],
        consents: &[ConsentSpec {
            units: &[BAKKEN, SFO],
            ..CONSENT
        }],
        team: &[("larer", "Kontaktlærer fra høsten")],
        family: true,
        measures: &[MeasureSpec {
            offer: "Overgang fra barnehage til skole",
            goal: "Maja har besøkt skolen tre ganger og kjenner kontaktlæreren før skolestart.",
            start: 40,
            evaluate: 30,
            ..MEASURE
        }],
        handover: Some(HandoverSpec {
            to: "larer",
            transition: true,
            needs_to_know: "Maja blir trygg med en fast voksen. Hun trenger tid og bilder som støtte ved beskjeder. Overgangsmøte med foresatte er holdt.",
            accepted: None,
        }),
        ..S
    },
    // ---- Solsiden → Bakken skole: accepted at the transition; level 2.
    Story {
        child: "Filip Haugland",
        age: Age::Months(70),
        fnr: true,
        also: &[BAKKEN],
        guardians: &[
            ("Silje Haugland", "mor", true),
            ("Bjørn Haugland", "far", true),
        ],
        started: 150,
        concern: "Filip har vansker med konsentrasjon og motorikk, og blir fort overveldet når det er mange barn rundt ham.",
        areas: &["overganger", "laerevansker"],
        theme: "barnehage_skole",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[SOLSIDEN, BAKKEN, PPT],
            from: 100,
            to: 265,
            ..CONSENT
        }],
        team: &[("larer", "Kontaktlærer"), ("ppt", "PP-rådgiver")],
        family: true,
        measures: &[
            MeasureSpec {
                offer: "Forsterket overgang barnehage–skole",
                goal: "Filip møter en skole som er forberedt på det han trenger.",
                start: 90,
                evaluate: 20,
                ..MEASURE
            },
            MeasureSpec {
                offer: "PPT – pedagogisk-psykologisk utredning og sakkyndig vurdering",
                goal: "Sakkyndig vurdering før skolestart, så skolen vet hvilken hjelp Filip har rett på.",
                by: "ppt",
                start: 80,
                evaluate: 40,
                ..MEASURE
            },
        ],
        voice: Some((
            "samtale",
            "Filip gleder seg til skolen, men er redd for at det er mange store barn der.",
        )),
        handover: Some(HandoverSpec {
            to: "larer",
            transition: true,
            needs_to_know: "Sakkyndig vurdering fra PPT er på vei. Filip trenger skjermet plass i garderoben og varsel før endringer.",
            accepted: Some("Godtar. Vi har med oss alt fra overgangsmøtet."),
        }),
        ..S
    },
    // ---- Solsiden: level 2.
    Story {
        child: "Alva Kristiansen",
        age: Age::Months(55),
        fnr: true,
        guardians: &[
            ("Maria Kristiansen", "mor", true),
            ("Eirik Kristiansen", "far", true),
        ],
        started: 130,
        concern: "Alva forstår lite av det som blir sagt i gruppen og leker mest for seg selv.",
        areas: &["sprak", "laerevansker"],
        theme: "barnehage_skole",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[PPT],
            from: 90,
            to: 275,
            ..CONSENT
        }],
        team: &[("ppt", "PP-rådgiver")],
        family: true,
        measures: &[
            MeasureSpec {
                offer: "Språkstimulering og språkobservasjon i barnehagen",
                goal: "Alva deltar i samlingsstund og svarer på enkle spørsmål.",
                start: 110,
                evaluate: 0,
                evaluation: Some(EvalSpec {
                    on: 60,
                    effect: "uendret",
                    continuation: "endre",
                    text: "Liten framgang etter åtte uker. Vi ber PPT om å vurdere Alva og endrer tiltaket til daglige økter i liten gruppe.",
                    next: 30,
                }),
                ..MEASURE
            },
            MeasureSpec {
                offer: "Spesialpedagogisk hjelp i barnehagen (vedtak)",
                goal: "Alva får spesialpedagogisk hjelp etter sakkyndig vurdering.",
                by: "ppt",
                start: 45,
                evaluate: 45,
                ..MEASURE
            },
        ],
        voice: Some((
            "tegning",
            "Alva tegnet familien og barnehagen. Hun pekte på seg selv og sa «leke» og «venn».",
        )),
        bbis: &[
            (
                "barnehage_skole",
                "Forstår lite i store grupper; god i lek med én voksen.",
            ),
            ("sosial_fungering", "Leker mest alene, men søker en venn."),
            (
                "stimulering_veiledning",
                "Foreldrene leser for henne hver kveld.",
            ),
        ],
        ..S
    },
    Story {
        child: "Theo Berg",
        age: Age::Months(20),
        guardians: &[("Julie Berg", "mor", true), ("Andreas Berg", "far", true)],
        started: 80,
        concern: "Theo søker lite trøst hos de voksne og er mye alene. Mor virker sliten ved henting.",
        areas: &["samspill", "foreldreveiledning"],
        theme: "folelsesmessig",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[HELSE],
            from: 60,
            to: 20,
            method: "muntlig",
            note: "Muntlig samtykke i foreldresamtale; skriftlig samtykke ettersendes.",
            ..CONSENT
        }],
        team: &[("helsesykepleier", "Helsesykepleier")],
        family: true,
        measures: &[MeasureSpec {
            offer: "Trygghetssirkelen (COS-P) – foreldrekurs",
            goal: "Foreldrene ser og møter Theos behov for trøst og trygghet.",
            by: "helsesykepleier",
            start: 40,
            evaluate: 25,
            ..MEASURE
        }],
        ..S
    },
    Story {
        child: "Nora Ødegård",
        age: Age::Months(62),
        guardians: &[
            ("Kari Ødegård", "mor", true),
            ("Sindre Ødegård", "far", true),
        ],
        started: 400,
        concern: "Nora snakker utydelig og blir ofte misforstått av de andre barna.",
        areas: &["sprak", "samspill"],
        theme: "barnehage_skole",
        levels: &[1, 2],
        // Expired: the team needs a new consent to go on.
        consents: &[ConsentSpec {
            units: &[PPT],
            from: 380,
            to: -12,
            ..CONSENT
        }],
        team: &[("ppt", "PP-rådgiver")],
        measures: &[
            MeasureSpec {
                name: "Tegn til tale i samlingsstund",
                goal: "Nora gjør seg forstått i samlingsstund med tegn og ord.",
                start: 300,
                evaluate: -30,
                ..MEASURE
            },
            MeasureSpec {
                offer: "PPT – pedagogisk-psykologisk utredning og sakkyndig vurdering",
                goal: "Utredning av språkvanskene og råd til barnehagen.",
                by: "ppt",
                start: 350,
                evaluate: 0,
                evaluation: Some(EvalSpec {
                    on: 200,
                    effect: "bedre",
                    continuation: "fortsette",
                    text: "Utredningen er ferdig. Rådene brukes i barnehagen og virker.",
                    next: -20,
                }),
                ..MEASURE
            },
        ],
        ..S
    },
    // ---- Solsiden: level 3, with a report of concern sent.
    Story {
        child: "Lucas Hansen Holm",
        age: Age::Months(47),
        fnr: true,
        guardians: &[("Mona Holm", "mor", true), ("Geir Hansen", "far", true)],
        started: 200,
        concern: "Lucas har blåmerker på overarmene flere ganger og blir redd når voksne hever stemmen.",
        areas: &["vold_overgrep", "psykisk_helse"],
        theme: "sikkerhet",
        levels: &[1, 2, 3],
        consents: &[ConsentSpec {
            units: &[PPT, HELSE, BARNEVERN, FAMILIE],
            from: 150,
            to: 215,
            ..CONSENT
        }],
        team: &[
            ("ppt", "PP-rådgiver"),
            ("helsesykepleier", "Helsesykepleier"),
            ("barnevern", "Saksbehandler i barneverntjenesten"),
        ],
        family: true,
        measures: &[
            MeasureSpec {
                offer: "Familieveiledning i hjemmet",
                goal: "Foreldrene har faste rutiner og håndterer konflikter uten å rope.",
                start: 120,
                evaluate: -8,
                ..MEASURE
            },
            MeasureSpec {
                offer: "Barnevernstjenesten – hjelpetiltak i hjemmet",
                goal: "Lucas har det trygt hjemme, og familien får hjelp i hverdagen.",
                by: "barnevern",
                start: 20,
                evaluate: 70,
                ..MEASURE
            },
        ],
        voice: Some((
            "observasjon",
            "Lucas leker at bamsen blir kjeftet på og gjemmer den under teppet. Han sier at bamsen er lei seg.",
        )),
        bbis: &[
            ("helse", "Blåmerker flere ganger; ellers god helse."),
            (
                "folelser_uttrykk",
                "Redd ved høye stemmer; trøster seg selv.",
            ),
            ("sikkerhet", "Usikkert. Bekymringsmelding er sendt."),
            ("familieforhold", "Mye konflikt mellom foreldrene."),
            ("bolig_okonomi_arbeid", "Far er sykmeldt; trang økonomi."),
        ],
        report_sent: true,
        ..S
    },
    // ---- Solsiden: closed.
    Story {
        child: "Vilja Moen",
        age: Age::Months(40),
        guardians: &[("Randi Moen", "mor", true), ("Lars Moen", "far", true)],
        started: 60,
        concern: "Vilja virker trøtt og lei seg flere dager på rad.",
        areas: &["psykisk_helse"],
        theme: "folelser_uttrykk",
        closed: Some(
            "Uroen ble avklart i samtale med foresatte: familien har hatt en travel periode med flytting. Ingen videre bekymring.",
        ),
        ..S
    },
    Story {
        child: "Henrik Dahl",
        age: Age::Months(66),
        guardians: &[("Siri Dahl", "mor", true), ("Morten Dahl", "far", true)],
        started: 240,
        concern: "Henrik havner ofte i konflikt med andre barn i frilek.",
        areas: &["atferd"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[MeasureSpec {
            offer: "Kort foreldreveiledning ved atferdsvansker",
            goal: "Færre konflikter i lek, hjemme og i barnehagen.",
            start: 200,
            evaluate: 0,
            evaluation: Some(EvalSpec {
                on: 30,
                effect: "bedre",
                continuation: "avslutte",
                text: "Målene er nådd. Henrik leker godt med andre.",
                next: 0,
            }),
            ..MEASURE
        }],
        closed: Some("Tiltakene har virket. Foresatte og barnehagen er enige om å avslutte."),
        ..S
    },
    // ---- Lia barnehage.
    Story {
        child: "Ella Johansen",
        age: Age::Months(30),
        unit: LIA,
        guardians: &[
            ("Heidi Johansen", "mor", true),
            ("Roger Johansen", "far", true),
        ],
        lead: "pedagog",
        started: 16,
        concern: "Ella har mistet ord hun brukte før, og hun søker lite blikkontakt.",
        areas: &["funksjonsnedsettelse", "sprak"],
        theme: "helse",
        ..S
    },
    Story {
        child: "Adam Rahimi",
        age: Age::Months(48),
        fnr: true,
        unit: LIA,
        guardians: &[("Leila Rahimi", "mor", true), ("Omid Rahimi", "far", true)],
        lead: "pedagog",
        started: 70,
        concern: "Adam har kort botid og forstår lite norsk. Han blir lei seg når han ikke får være med i leken.",
        areas: &["sprak", "utenforskap"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[MeasureSpec {
            offer: "Språkgruppe i barnehagen for flerspråklige barn",
            goal: "Adam forstår og bruker ord for det som skjer i barnehagehverdagen.",
            start: 50,
            evaluate: 10,
            ..MEASURE
        }],
        voice: Some((
            "samtale",
            "Adam sier at han liker språkgruppa fordi de synger, og at Ali er vennen hans.",
        )),
        ..S
    },
    Story {
        child: "Tiril Solheim",
        age: Age::Months(36),
        unit: LIA,
        guardians: &[
            ("Anne Solheim", "mor", true),
            ("Kristoffer Solheim", "far", true),
        ],
        lead: "pedagog",
        started: 100,
        concern: "Tiril gråter mye, sover dårlig i hvilen og er redd for nye voksne.",
        areas: &["samspill", "psykisk_helse"],
        theme: "folelsesmessig",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[HELSE],
            from: 60,
            to: 300,
            ..CONSENT
        }],
        team: &[("helsesykepleier", "Helsesykepleier")],
        measures: &[MeasureSpec {
            offer: "Trygghetssirkelen (COS-P) – foreldrekurs",
            goal: "Foreldrene og barnehagen møter Tirils redsel på samme måte.",
            by: "helsesykepleier",
            start: 50,
            evaluate: 15,
            ..MEASURE
        }],
        bbis: &[
            (
                "folelser_uttrykk",
                "Redd for nye voksne, trøstes av kjente.",
            ),
            ("helse", "Sover dårlig; helsestasjonen følger opp."),
            (
                "folelsesmessig",
                "Foreldrene er varme, men usikre på hvordan de skal trøste.",
            ),
        ],
        ..S
    },
    Story {
        child: "Iver Knutsen",
        age: Age::Months(54),
        unit: LIA,
        guardians: &[
            ("Tonje Knutsen", "mor", true),
            ("Vegard Knutsen", "far", true),
        ],
        lead: "pedagog",
        started: 45,
        concern: "Iver sier at pappa er sint hele tiden.",
        areas: &["samspill"],
        theme: "familieforhold",
        closed: Some(
            "Bekymringen ble ikke bekreftet etter to ukers observasjon og samtale med begge foreldrene.",
        ),
        ..S
    },
    // ---- Bakken skole.
    Story {
        child: "Mathias Olsen",
        age: Age::Months(110),
        fnr: true,
        unit: BAKKEN,
        also: &[SFO],
        guardians: &[("Lene Olsen", "mor", true), ("Thomas Olsen", "far", true)],
        lead: "larer",
        started: 6,
        concern: "Mathias har hatt 12 dager fravær dette halvåret, ofte mandager. Han sier at han har vondt i magen.",
        areas: &["skolefravaer"],
        theme: "barnehage_skole",
        ..S
    },
    Story {
        child: "Emilie Lie",
        age: Age::Months(100),
        unit: BAKKEN,
        guardians: &[("Hanne Lie", "mor", true), ("Pål Lie", "far", true)],
        lead: "larer",
        started: 60,
        concern: "Emilie går alene i friminuttene og har sluttet å rekke opp hånden i timene.",
        areas: &["utenforskap", "skolefravaer"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[
            MeasureSpec {
                offer: "Tidlig oppfølging av skolefravær",
                goal: "Emilie møter hver dag og sier fra når noe er vanskelig.",
                start: 40,
                evaluate: -3,
                ..MEASURE
            },
            MeasureSpec {
                name: "Fast voksen i friminuttene",
                goal: "Emilie har noen å være sammen med i hvert friminutt.",
                start: 40,
                evaluate: 20,
                ..MEASURE
            },
        ],
        voice: Some((
            "samtale",
            "Emilie sier at friminuttene er det verste, fordi ingen vil være med henne.",
        )),
        ..S
    },
    Story {
        child: "Jonas Hagen",
        age: Age::Months(135),
        unit: BAKKEN,
        guardians: &[("Marianne Hagen", "mor", true)],
        lead: "rektor",
        started: 45,
        concern: "Jonas har vært i flere slåsskamper, og lærerne opplever at han ikke lar seg roe.",
        areas: &["atferd"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[MeasureSpec {
            offer: "Miljøterapeut på Bakken skole",
            goal: "Jonas har en voksen å gå til før det blir konflikt.",
            start: 30,
            evaluate: 30,
            ..MEASURE
        }],
        ..S
    },
    Story {
        child: "Sara Amundsen",
        age: Age::Months(122),
        fnr: true,
        unit: BAKKEN,
        also: &[SFO],
        guardians: &[
            ("Liv Amundsen", "mor", true),
            ("Knut Amundsen", "far", true),
        ],
        lead: "larer",
        started: 160,
        concern: "Sara leser langt under det som er ventet på trinnet og gruer seg til skolen.",
        areas: &["laerevansker"],
        theme: "barnehage_skole",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[PPT, SFO],
            from: 120,
            to: 245,
            ..CONSENT
        }],
        team: &[("ppt", "PP-rådgiver")],
        family: true,
        measures: &[
            MeasureSpec {
                offer: "Leksehjelp på Bakken skole",
                goal: "Sara får gjort leksene med hjelp og gruer seg mindre.",
                start: 130,
                evaluate: 0,
                evaluation: Some(EvalSpec {
                    on: 40,
                    effect: "bedre",
                    continuation: "fortsette",
                    text: "Sara møter på leksehjelpen og sier det er lettere.",
                    next: 45,
                }),
                ..MEASURE
            },
            MeasureSpec {
                offer: "PPT – pedagogisk-psykologisk utredning og sakkyndig vurdering",
                goal: "Vi vet hva som gjør lesingen vanskelig, og hva som hjelper.",
                by: "ppt",
                start: 100,
                evaluate: 14,
                ..MEASURE
            },
        ],
        voice: Some((
            "samtale",
            "Sara sier at bokstavene hopper, og at hun vil lese høyt bare for læreren.",
        )),
        ..S
    },
    Story {
        child: "William Berntsen",
        age: Age::Months(148),
        unit: BAKKEN,
        guardians: &[
            ("Nina Berntsen", "mor", true),
            ("Frode Berntsen", "far", true),
        ],
        lead: "larer",
        started: 180,
        concern: "William har mye fravær, sover i timene og forteller om krangling og politi hjemme.",
        areas: &["skolefravaer", "vold_overgrep", "psykisk_helse"],
        theme: "sikkerhet",
        levels: &[2, 3],
        consents: &[ConsentSpec {
            units: &[PPT, HELSE, BARNEVERN, FAMILIE],
            from: 150,
            to: 215,
            ..CONSENT
        }],
        team: &[
            ("ppt", "PP-rådgiver"),
            ("helsesykepleier", "Helsesykepleier"),
            ("barnevern", "Saksbehandler i barneverntjenesten"),
        ],
        family: true,
        measures: &[
            MeasureSpec {
                offer: "Miljøterapeut på Bakken skole",
                goal: "William har en fast voksen og møter på skolen hver dag.",
                start: 140,
                evaluate: -15,
                ..MEASURE
            },
            MeasureSpec {
                offer: "Koordinator og individuell plan",
                goal: "William og familien har én koordinator og en plan alle tjenestene følger.",
                start: 10,
                evaluate: 60,
                decided: false,
                ..MEASURE
            },
        ],
        voice: Some((
            "samtale",
            "William vil at noen skal hjelpe mamma, og at læreren ikke skal ringe hjem hver gang han er borte.",
        )),
        bbis: &[
            ("barnehage_skole", "Mye fravær; sover i timene."),
            (
                "folelser_uttrykk",
                "Stille og trist; sier lite om seg selv.",
            ),
            ("sikkerhet", "Forteller om krangling og politi hjemme."),
            ("stabilitet", "Har flyttet tre ganger på to år."),
            (
                "familieforhold",
                "Mor er alene med fire barn store deler av uken.",
            ),
        ],
        coordination: Some(
            "PPT og skolen er uenige om hvem som skal koordinere nå som saken omfatter fire tjenester.",
        ),
        ..S
    },
    Story {
        child: "Linnea Karlsen",
        age: Age::Months(88),
        unit: BAKKEN,
        guardians: &[
            ("Elin Karlsen", "mor", true),
            ("Jørgen Karlsen", "far", true),
        ],
        lead: "larer",
        started: 300,
        concern: "Linnea klager ofte på vondt i hodet og vil hjem midt på dagen.",
        areas: &["skolefravaer", "psykisk_helse"],
        theme: "helse",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[HELSE],
            from: 260,
            to: 105,
            ..CONSENT
        }],
        team: &[("helsesykepleier", "Helsesykepleier")],
        measures: &[MeasureSpec {
            offer: "Samtaler med helsesykepleier ved fravær og mistrivsel",
            goal: "Linnea vet hva hun kan gjøre når hun får vondt, og blir på skolen.",
            by: "helsesykepleier",
            start: 250,
            evaluate: 0,
            evaluation: Some(EvalSpec {
                on: 40,
                effect: "bedre",
                continuation: "avslutte",
                text: "Linnea har ikke gått hjem på to måneder og trives.",
                next: 0,
            }),
            ..MEASURE
        }],
        closed: Some("Linnea trives og har stabilt oppmøte. Foresatte ønsker å avslutte."),
        ..S
    },
    Story {
        child: "Kasper Eide",
        age: Age::Months(126),
        unit: BAKKEN,
        guardians: &[("Gro Eide", "mor", true), ("Trond Eide", "far", true)],
        lead: "rektor",
        started: 150,
        concern: "Kasper blir holdt utenfor av klassen og har blitt lei seg og sint.",
        areas: &["utenforskap"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[MeasureSpec {
            name: "Sosial ferdighetstrening i liten gruppe",
            goal: "Kasper har minst én venn i klassen.",
            start: 120,
            evaluate: 0,
            evaluation: Some(EvalSpec {
                on: 20,
                effect: "bedre",
                continuation: "avslutte",
                text: "Kasper er med i lek og forteller om to venner.",
                next: 0,
            }),
            ..MEASURE
        }],
        closed: Some("Målet er nådd, og Kasper og foresatte er fornøyde."),
        ..S
    },
    // ---- Fjellet ungdomsskole.
    Story {
        child: "Thea Nordli",
        age: Age::Months(170),
        unit: FJELLET,
        guardians: &[
            ("Sissel Nordli", "mor", true),
            ("Harald Nordli", "far", true),
        ],
        lead: "kontaktlarer",
        started: 11,
        concern: "Thea har sluttet å spise lunsj på skolen og har trukket seg fra venninnegjengen.",
        areas: &["psykisk_helse"],
        theme: "helse",
        ..S
    },
    Story {
        child: "Sander Brekke",
        age: Age::Months(160),
        unit: FJELLET,
        guardians: &[
            ("Monica Brekke", "mor", true),
            ("Espen Brekke", "far", true),
        ],
        lead: "kontaktlarer",
        started: 55,
        concern: "Sander blir kalt stygge ting i klassechatten og vil ikke på skolen.",
        areas: &["utenforskap", "skolefravaer"],
        theme: "sosial_fungering",
        levels: &[1],
        measures: &[MeasureSpec {
            offer: "Trygt og godt skolemiljø – trivselsprogram",
            goal: "Sander opplever at klassen er trygg, og kommer på skolen.",
            start: 40,
            evaluate: 7,
            ..MEASURE
        }],
        family: true,
        ..S
    },
    Story {
        child: "Mia Halvorsen",
        age: Age::Months(184),
        fnr: true,
        unit: FJELLET,
        guardians: &[
            ("Trine Halvorsen", "mor", true),
            ("Geir Halvorsen", "far", true),
        ],
        lead: "kontaktlarer",
        started: 90,
        concern: "Mia har mye fravær og sier hun ikke orker. Hun har skader på underarmene.",
        areas: &["psykisk_helse", "skolefravaer"],
        theme: "folelser_uttrykk",
        levels: &[1, 2],
        consents: &[ConsentSpec {
            units: &[HELSE],
            from: 60,
            to: 300,
            givers: Givers::AllAndYouth,
            ..CONSENT
        }],
        team: &[("helsesykepleier", "Helsesykepleier")],
        family: true,
        measures: &[MeasureSpec {
            offer: "Samtaler med helsesykepleier ved fravær og mistrivsel",
            goal: "Mia har en voksen å snakke med hver uke og møter oftere på skolen.",
            by: "helsesykepleier",
            start: 50,
            evaluate: 0,
            evaluation: Some(EvalSpec {
                on: 10,
                effect: "uendret",
                continuation: "fortsette",
                text: "Mia møter til samtalene, men fraværet er like stort.",
                next: 20,
            }),
            ..MEASURE
        }],
        voice: Some((
            "samtale",
            "Jeg vil at færre voksne skal vite om dette. Helsesykepleieren er grei å snakke med.",
        )),
        ..S
    },
    Story {
        child: "Tobias Lindqvist",
        age: Age::Months(176),
        unit: FJELLET,
        guardians: &[
            ("Åse Lindqvist", "mor", true),
            ("Per Lindqvist", "far", true),
        ],
        lead: "kontaktlarer",
        started: 220,
        concern: "Tobias er mye borte fra skolen, henger med eldre ungdom og har luktet hasj.",
        areas: &["rus", "skolefravaer", "fritid"],
        theme: "nettverk",
        levels: &[1, 2, 3],
        consents: &[
            ConsentSpec {
                units: &[UTEKONTAKT, HELSE],
                from: 200,
                to: 165,
                withdrawn: Some("Foresatte vil ikke lenger at Utekontakten skal få opplysninger."),
                ..CONSENT
            },
            ConsentSpec {
                units: &[HELSE, PPT, BARNEVERN],
                from: 100,
                to: 265,
                ..CONSENT
            },
        ],
        team: &[
            ("helsesykepleier", "Helsesykepleier"),
            ("ppt", "PP-rådgiver"),
            ("barnevern", "Saksbehandler i barneverntjenesten"),
        ],
        family: true,
        measures: &[
            MeasureSpec {
                offer: "Skolefraværsteamet",
                goal: "Tobias møter minst fire dager i uken.",
                start: 90,
                evaluate: -10,
                ..MEASURE
            },
            MeasureSpec {
                offer: "Fritidsguide – følge inn i en fast aktivitet",
                goal: "Tobias har en fast aktivitet to kvelder i uken.",
                start: 60,
                evaluate: 30,
                ..MEASURE
            },
        ],
        voice: Some((
            "samtale",
            "Tobias sier at skolen er bortkastet tid, men at han gjerne vil jobbe med biler.",
        )),
        bbis: &[
            ("barnehage_skole", "Stort fravær; flink i praktiske fag."),
            ("identitet", "Søker tilhørighet hos eldre ungdom."),
            ("sikkerhet", "Ute sent; foreldrene vet ikke hvor han er."),
            ("nettverk", "Har mistet kontakten med jevnaldrende venner."),
        ],
        ..S
    },
    Story {
        child: "Ingrid Sæther",
        age: Age::Months(182),
        unit: FJELLET,
        guardians: &[("Berit Sæther", "mor", true)],
        lead: "kontaktlarer",
        started: 200,
        concern: "Ingrid har gått ned i vekt og trener svært mye.",
        areas: &["psykisk_helse"],
        theme: "helse",
        levels: &[1],
        measures: &[MeasureSpec {
            name: "Ukentlig samtale med kontaktlærer",
            goal: "Ingrid har en voksen på skolen hun kan snakke med.",
            start: 180,
            evaluate: 60,
            ..MEASURE
        }],
        closed: Some(
            "Ingrid har flyttet til en annen kommune. Mor er informert om at hun selv kan ta med seg opplysninger til ny skole.",
        ),
        ..S
    },
    // ---- Helsestasjon og skolehelsetjeneste.
    Story {
        child: "Barn av Camilla Rønning",
        age: Age::DueIn(100),
        unit: HELSE,
        guardians: &[("Camilla Rønning", "mor", true)],
        lead: "helsesykepleier",
        started: 30,
        concern: "Den gravide forteller om en tidligere depresjon og lite nettverk. Hun ønsker hjelp før fødselen.",
        areas: &["psykisk_helse", "foreldreveiledning"],
        theme: "nettverk",
        levels: &[1],
        measures: &[MeasureSpec {
            offer: "Tett oppfølging av gravide med rus- eller psykiske vansker",
            goal: "Camilla har en plan for tiden etter fødselen og vet hvem hun kan ringe.",
            start: 25,
            evaluate: 30,
            ..MEASURE
        }],
        ..S
    },
    Story {
        child: "Markus Iversen",
        age: Age::Months(200),
        unit: HELSE,
        guardians: &[
            ("Wenche Iversen", "mor", true),
            ("Arne Iversen", "far", true),
        ],
        lead: "helsesykepleier",
        started: 40,
        concern: "Markus forteller på helsestasjonen for ungdom at han ikke sover og er nedfor.",
        areas: &["psykisk_helse"],
        theme: "folelser_uttrykk",
        levels: &[1],
        family: true,
        measures: &[MeasureSpec {
            offer: "Lavterskel samtaletilbud for ungdom og unge voksne",
            goal: "Markus sover bedre og har noen å snakke med.",
            start: 30,
            evaluate: 14,
            ..MEASURE
        }],
        voice: Some((
            "samtale",
            "Markus sier at han vil klare dette selv, men at det er greit å ha noen å snakke med.",
        )),
        ..S
    },
    Story {
        child: "Julie Bergstrøm",
        age: Age::Months(208),
        fnr: true,
        unit: HELSE,
        guardians: &[
            ("Kirsten Bergstrøm", "mor", true),
            ("Ivar Bergstrøm", "far", true),
        ],
        lead: "helsesykepleier",
        started: 160,
        concern: "Julie forteller om jevnlig rus i helgene og om en kjæreste som er mye eldre.",
        areas: &["rus", "vold_overgrep"],
        theme: "sikkerhet",
        levels: &[1, 3],
        consents: &[ConsentSpec {
            units: &[BARNEVERN, PHR],
            from: 100,
            to: 265,
            givers: Givers::Youth,
            ..CONSENT
        }],
        team: &[("barnevern", "Saksbehandler i barneverntjenesten")],
        measures: &[MeasureSpec {
            offer: "Rusteam for ungdom",
            goal: "Julie kutter ned på rus og vet hvor hun kan få hjelp.",
            start: 90,
            evaluate: 5,
            ..MEASURE
        }],
        voice: Some((
            "samtale",
            "Julie vil selv bestemme hvem som får vite hva, men ønsker hjelp til å komme seg ut av forholdet.",
        )),
        report_sent: true,
        ..S
    },
];

/// (unit, user, age band, summary, advice, advisers, days ago)
const CONSULTATIONS: &[(&str, &str, &str, &str, &str, &str, i64)] = &[
    (
        SOLSIDEN,
        "ansatt",
        "1-5",
        "Barn på fire år som ofte forteller om krangling hjemme. De ansatte er usikre på om det er grunn til bekymring.",
        "Observer og noter konkret i to uker. Ta en samtale med foresatte om det barnet forteller. Drøft igjen hvis uroen består.",
        "Barneverntjenesten (anonym drøfting på telefon)",
        8,
    ),
    (
        BAKKEN,
        "larer",
        "6-12",
        "Elev på mellomtrinnet med mye fravær og tegn på at familien har dårlig råd.",
        "Snakk med eleven og foresatte, og fortell om fritidskortet og økonomisk rådgivning. Vurder å starte stafettlogg.",
        "PPT og helsesykepleier i TST-møtet",
        20,
    ),
    (
        FJELLET,
        "kontaktlarer",
        "13-15",
        "En elev har fortalt en venn om selvskading, og vennen har sagt fra til kontaktlæreren.",
        "Kontakt helsesykepleier samme dag. Avklar med eleven hvordan foresatte skal informeres.",
        "Helsesykepleier og Psykisk helse og rus",
        3,
    ),
];

pub(crate) fn bad(what: impl Display, e: impl Debug) -> DbError {
    DbError::Corrupt(format!("demo data: {what}: {e:?}"))
}

pub(crate) fn nb(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub(crate) struct Ctx {
    pub(crate) today: NaiveDate,
    settings: LogSettings,
    units: HashMap<String, UnitId>,
    all_units: Vec<UnitId>,
    /// Demo user → (actor, the unit they work in).
    staff: HashMap<&'static str, (Actor, UnitId)>,
    pub(crate) offers: HashMap<String, OfferId>,
    areas: Vec<String>,
    themes: Vec<String>,
    /// The municipality's BBIS themes, in its written standard.
    bbis_themes: Vec<bbis::Theme>,
}

impl Ctx {
    pub(crate) fn load(
        conn: &mut DbConnection,
        m: MunicipalityId,
        today: NaiveDate,
        staff_names: &[&'static str],
    ) -> DbResult<Self> {
        let list = laget_db::admin::units::list_in_municipality(conn, m)?;
        let mut staff = HashMap::new();
        for name in staff_names {
            let username = Username::parse(name).map_err(|e| bad(name, e))?;
            let user = users::find_by_username(conn, &username)?
                .ok_or_else(|| bad(name, "no such demo user"))?;
            let actor = laget_db::lookup::actor(conn, user.id)?;
            let unit = actor
                .memberships()
                .iter()
                .find_map(|m| m.unit_id)
                .ok_or_else(|| bad(name, "no unit"))?;
            staff.insert(*name, (actor, unit));
        }
        let search = offers::Search {
            municipality: Some(m),
            filter: Default::default(),
            sort: Default::default(),
            visibility: offers::Visibility::All,
            offset: 0,
            limit: 10_000,
        };
        let offers = offers::search(conn, &search)?
            .0
            .into_iter()
            .map(|o| (o.fields.name, o.id))
            .collect();
        let bbis_themes = logs::bbis_themes(conn, m)?;
        Ok(Self {
            today,
            settings: logs::settings(conn, m)?,
            all_units: list.iter().map(|u| u.id).collect(),
            units: list.into_iter().map(|u| (u.name, u.id)).collect(),
            staff,
            offers,
            areas: offers::challenge_areas(conn, m)?
                .into_iter()
                .map(|(code, _)| code)
                .collect(),
            themes: bbis_themes.iter().map(|t| t.code.clone()).collect(),
            bbis_themes,
        })
    }

    fn ago(&self, days: i64) -> NaiveDate {
        self.today - Duration::days(days)
    }

    pub(crate) fn unit(&self, name: &str) -> DbResult<UnitId> {
        self.units
            .get(name)
            .copied()
            .ok_or_else(|| bad(name, "no such unit"))
    }

    pub(crate) fn user(&self, name: &str) -> DbResult<&(Actor, UnitId)> {
        self.staff
            .get(name)
            .ok_or_else(|| bad(name, "no such demo user"))
    }

    pub(crate) fn open(
        &self,
        conn: &mut DbConnection,
        user: &str,
        log: LogId,
    ) -> DbResult<LogReader> {
        let (actor, _) = self.user(user)?;
        let facts = laget_db::lookup::log_facts(conn, log, actor.user_id(), self.today)?;
        actor
            .open_log(&facts, self.today)
            .map_err(|e| bad(format!("{user} opens a log"), e))
    }

    pub(crate) fn writer(
        &self,
        conn: &mut DbConnection,
        user: &str,
        log: LogId,
    ) -> DbResult<LogWriter> {
        self.open(conn, user, log)?
            .writer()
            .map_err(|e| bad(format!("{user} writes a log"), e))
    }
}

pub(crate) const NABO_SKULE: &str = "Nabo skule";
const NABO_HELSE: &str = "Helsestasjonen i Nabo";

/// The demo users of «Nabo kommune» who work with children.
pub(crate) const NEIGHBOUR_STAFF: &[&str] = &["nabo", "naboleiar"];

/// The log of «Nabo kommune», written in nynorsk by its staff.
const NEIGHBOUR_STORIES: &[Story] = &[Story {
    child: "Eirik Haugland",
    age: Age::Months(124),
    fnr: true,
    unit: NABO_SKULE,
    guardians: &[
        ("Solveig Haugland", "mor", true),
        ("Bjarte Haugland", "far", true),
    ],
    lead: "nabo",
    started: 45,
    concern: "Eirik har hatt mykje fråvær dei siste vekene og seier at han gruar seg til friminutta. Mor fortel at han søv dårleg og et lite.",
    areas: &["skolefravaer", "psykisk_helse"],
    theme: "sosial_fungering",
    levels: &[1],
    consents: &[ConsentSpec {
        units: &[NABO_HELSE],
        from: 40,
        to: 325,
        ..CONSENT
    }],
    team: &[("naboleiar", "Rektor")],
    family: true,
    measures: &[MeasureSpec {
        name: "Fast vaksen i friminutta",
        goal: "Eirik har ein vaksen å gå til i friminutta og kjem på skulen kvar dag.",
        start: 30,
        evaluate: 14,
        evaluation: Some(EvalSpec {
            on: 10,
            effect: "bedre",
            continuation: "fortsette",
            text: "Eirik har vore på skulen kvar dag dei siste to vekene. Han seier at friminutta er betre no.",
            next: 14,
        }),
        ..MEASURE
    }],
    voice: Some((
        "samtale",
        "Eirik seier at han likar matte og gym, men at han ikkje veit kven han skal vere med i friminutta.",
    )),
    bbis: &[(
        "sosial_fungering",
        "Eirik har få vener i klassen og held seg mykje for seg sjølv.",
    )],
    words: &NYNORSK,
    ..S
}];

/// Seeds the log of «Nabo kommune», unless it is there already.
pub fn seed_neighbour(
    conn: &mut DbConnection,
    m: MunicipalityId,
    today: NaiveDate,
) -> DbResult<()> {
    let ctx = Ctx::load(conn, m, today, NEIGHBOUR_STAFF)?;
    let (actor, _) = ctx.user("nabo")?;
    let school = actor
        .casework(ctx.unit(NABO_SKULE)?)
        .map_err(|e| bad("nabo in Nabo skule", e))?;
    if casework::has_open_logs(conn, &school)? {
        return Ok(());
    }
    for (i, story) in NEIGHBOUR_STORIES.iter().enumerate() {
        let seed = 100 + u32::try_from(i).unwrap_or(0);
        tell(conn, &ctx, story, seed).map_err(|e| bad(story.child, e))?;
    }
    Ok(())
}

/// Seeds the children, logs and consultations, unless the demo has them
/// already (Solsiden barnehage has consultations or open logs): running the
/// demo again changes nothing. All in one transaction, so a seeding that
/// fails leaves nothing half done.
pub fn seed(conn: &mut DbConnection, m: MunicipalityId, today: NaiveDate) -> DbResult<()> {
    let ctx = Ctx::load(conn, m, today, STAFF)?;
    let (actor, _) = ctx.user("ansatt")?;
    let solsiden = actor
        .casework(ctx.unit(SOLSIDEN)?)
        .map_err(|e| bad("ansatt in Solsiden", e))?;
    if !casework::consultations(conn, &solsiden)?.is_empty()
        || casework::has_open_logs(conn, &solsiden)?
    {
        return Ok(());
    }
    for (i, story) in STORIES.iter().enumerate() {
        tell(conn, &ctx, story, u32::try_from(i).unwrap_or(0)).map_err(|e| bad(story.child, e))?;
    }
    for (unit, user, band, summary, advice, advisers, days) in CONSULTATIONS {
        let (actor, _) = ctx.user(user)?;
        let cap = actor.casework(ctx.unit(unit)?).map_err(|e| bad(user, e))?;
        let c = casework::NewConsultation {
            age_band: (*band).into(),
            summary: (*summary).into(),
            advice: (*advice).into(),
            advisers: (*advisers).into(),
            held_on: ctx.ago(*days),
        };
        casework::add_consultation(conn, &cap, &c, RID)?;
    }
    Ok(())
}

/// Registers one child and writes its log as the story says.
fn tell(conn: &mut DbConnection, ctx: &Ctx, s: &Story, seed: u32) -> DbResult<()> {
    let today = ctx.today;
    let (lead_actor, _) = ctx.user(s.lead)?;
    let home = ctx.unit(s.unit)?;
    let cap = lead_actor.casework(home).map_err(|e| bad(s.lead, e))?;

    // The child and the guardians.
    let (birth, unborn) = match s.age {
        Age::Months(n) => (
            today
                .checked_sub_months(Months::new(n))
                .map(|d| d - Duration::days(i64::from(n % 23)))
                .ok_or_else(|| bad("birth", n))?,
            false,
        ),
        Age::DueIn(days) => (
            today
                .checked_add_days(chrono::Days::new(days))
                .ok_or_else(|| bad("due", days))?,
            true,
        ),
    };
    let fnr = if s.fnr {
        NationalId::synthetic(birth, seed * 37)
            .map(|n| n.expose().to_owned())
            .ok_or_else(|| bad("synthetic national id", birth))?
    } else {
        String::new()
    };
    let child =
        NewChild::parse(s.child, &nb(birth), unborn, &fnr, today).map_err(|e| bad("child", e))?;
    let also: Vec<UnitId> = s
        .also
        .iter()
        .map(|u| ctx.unit(u))
        .collect::<DbResult<_>>()?;
    let child_id = children::create(conn, &cap, &child, &also, RID)?;
    let mut guardians: Vec<(GuardianId, &str, bool)> = Vec::new();
    for (name, relation, responsible) in s.guardians {
        let g = NewGuardian::parse(name, relation, "", "", *responsible)
            .map_err(|e| bad("guardian", e))?;
        let id = children::add_guardian(conn, &cap, child_id, &g, RID)?;
        guardians.push((id, name, *responsible));
    }

    // The concern starts the log at level 0.
    let started = ctx.ago(s.started);
    let concern = Concern::parse(
        s.concern,
        &nb(started - Duration::days(1)),
        s.areas,
        s.theme,
        &ctx.areas,
        &ctx.themes,
        started,
    )
    .map_err(|e| bad("concern", e))?;
    let log = logs::start(conn, &cap, child_id, &concern, started, RID)?;
    let w = ctx.writer(conn, s.lead, log)?;
    let mut members: HashMap<&str, TeamMemberId> = HashMap::new();
    let reader = ctx.open(conn, s.lead, log)?;
    let lead_id = lead_actor.user_id();
    let lead_member = logs::view(conn, &reader, None, today)?
        .team
        .into_iter()
        .find(|m| m.user_id == Some(lead_id))
        .map(|m| m.id)
        .ok_or_else(|| bad("lead", "not on the team"))?;
    members.insert(s.lead, lead_member);

    // Consents.
    let responsible: Vec<GuardianId> = guardians
        .iter()
        .filter(|(_, _, r)| *r)
        .map(|(id, _, _)| *id)
        .collect();
    let mut known_givers: Vec<Giver> = responsible.iter().map(|g| Giver::Guardian(*g)).collect();
    known_givers.push(Giver::Youth);
    let mut consent_ids = Vec::new();
    for c in s.consents {
        let codes: Vec<String> = match c.givers {
            Givers::All => responsible.iter().map(|g| g.to_string()).collect(),
            Givers::First => responsible.iter().take(1).map(|g| g.to_string()).collect(),
            Givers::AllAndYouth => responsible
                .iter()
                .map(|g| g.to_string())
                .chain(["ungdom".to_owned()])
                .collect(),
            Givers::Youth => vec!["ungdom".to_owned()],
        };
        let units: Vec<String> = c
            .units
            .iter()
            .map(|u| ctx.unit(u).map(|id| id.to_string()))
            .collect::<DbResult<_>>()?;
        let form = ConsentForm {
            givers: codes.iter().map(String::as_str).collect(),
            units: units.iter().map(String::as_str).collect(),
            purposes: vec!["dele", "mote"],
            valid_from: &nb(ctx.ago(c.from)),
            valid_to: &nb(today + Duration::days(c.to)),
            method: c.method,
            note: c.note,
            has_scan: false,
        };
        let new = NewConsent::parse(&form, &known_givers, &ctx.all_units)
            .map_err(|e| bad("consent", e))?;
        consent_ids.push(logs::add_consent(conn, &w, &new, None, RID)?);
    }

    // The team: staff join on the day a consent covering their unit was given.
    for (user, role) in s.team {
        let (actor, unit) = ctx.user(user)?;
        let on = if *unit == home {
            today
        } else {
            s.consents
                .iter()
                .rev()
                .find(|c| c.units.iter().any(|u| ctx.unit(u).ok() == Some(*unit)))
                .map(|c| ctx.ago(c.from))
                .ok_or_else(|| bad(user, "no consent covers their unit"))?
        };
        let id = logs::add_staff(conn, &w, actor.user_id(), *unit, role, on, RID)?
            .map_err(|e| bad(user, e))?;
        members.insert(user, id);
    }
    if s.family {
        for (id, name, responsible) in &guardians {
            if *responsible {
                let p = logs::Person {
                    kind: MemberKind::Guardian,
                    name,
                    role: s.words.guardian_role,
                    guardian: Some(*id),
                };
                logs::add_person(conn, &w, &p, today, RID)?.map_err(|e| bad(name, e))?;
            }
        }
        if let Age::Months(n @ 120..) = s.age {
            let p = logs::Person {
                kind: MemberKind::Child,
                name: s.child,
                role: if n < 156 {
                    s.words.child_role
                } else {
                    s.words.youth_role
                },
                guardian: None,
            };
            logs::add_person(conn, &w, &p, today, RID)?.map_err(|e| bad("child", e))?;
        }
    }

    // Level decisions, spread over the time since the start.
    let mut level = ctx.settings.model.first_level();
    let steps = i64::try_from(s.levels.len()).unwrap_or(0) + 1;
    for (k, to) in s.levels.iter().enumerate() {
        let on = ctx.ago(s.started - s.started * (i64::try_from(k).unwrap_or(0) + 1) / steps);
        let (reason, best) = s
            .words
            .level_reasons
            .get(usize::from(*to))
            .copied()
            .ok_or_else(|| bad("level", to))?;
        let change = LevelChange::decide(
            ctx.settings.model,
            level,
            &to.to_string(),
            reason,
            s.words.skip_reason,
            best,
        )
        .map_err(|e| bad("level change", e))?;
        logs::change_level(conn, &w, &change, &ctx.settings, on, RID)?;
        level = *to;
    }

    // Measures and their evaluations.
    for m in s.measures {
        let offer = if m.offer.is_empty() {
            None
        } else {
            Some(
                ctx.offers
                    .get(m.offer)
                    .copied()
                    .ok_or_else(|| bad(m.offer, "no such offer"))?,
            )
        };
        let by = if m.by.is_empty() { s.lead } else { m.by };
        let responsible = *members.get(by).ok_or_else(|| bad(by, "not on the team"))?;
        let offer_text = offer.map(|o| o.to_string()).unwrap_or_default();
        let form = MeasureForm {
            offer: &offer_text,
            name: m.name,
            goal: m.goal,
            responsible: &responsible.to_string(),
            start: &nb(ctx.ago(m.start)),
            evaluate_by: &nb(today + Duration::days(m.evaluate)),
            is_final: m.decided,
            best_interest: if m.decided { s.words.best_interest } else { "" },
        };
        let known: Vec<OfferId> = offer.into_iter().collect();
        let new =
            NewMeasure::parse(&form, &known, &[responsible]).map_err(|e| bad("measure", e))?;
        let id = logs::add_measure(conn, &w, &new, RID)?;
        if let Some(e) = &m.evaluation {
            let on = ctx.ago(e.on);
            let next = if e.continuation == "avslutte" {
                String::new()
            } else {
                nb(today + Duration::days(e.next))
            };
            let best = if e.continuation == "fortsette" {
                ""
            } else {
                s.words.best_interest
            };
            let eval = NewEvaluation::parse(e.effect, e.text, e.continuation, &next, best, on)
                .map_err(|err| bad("evaluation", err))?;
            logs::evaluate(conn, &w, id, &eval, on, RID)?;
        }
    }

    // The child at the centre.
    if let Some((method, words)) = s.voice {
        let v = ChildVoice::parse(&nb(ctx.ago(5)), method, words, today)
            .map_err(|e| bad("voice", e))?;
        logs::add_voice(conn, &w, &v, RID)?;
    }
    if !s.bbis.is_empty() {
        let items = ctx
            .bbis_themes
            .iter()
            .cloned()
            .map(|t| {
                let a = s
                    .bbis
                    .iter()
                    .find(|(code, _)| *code == t.code)
                    .map(|(_, text)| Assessment::Text((*text).to_owned()))
                    .unwrap_or(Assessment::NotRelevant);
                (t, a)
            })
            .collect();
        let snapshot = Snapshot {
            on: ctx.ago(7),
            items,
        };
        logs::add_bbis(conn, &w, &snapshot, RID)?;
    }

    // Consents withdrawn, the report of concern, coordination.
    for (c, id) in s.consents.iter().zip(&consent_ids) {
        if let Some(reason) = c.withdrawn {
            logs::withdraw_consent(conn, &w, *id, reason, RID)?;
        }
    }
    if s.report_sent {
        logs::report_sent(conn, &w, s.words.report_sent, RID)?;
    }
    if let Some(reason) = s.coordination {
        logs::request_coordination(conn, &w, reason, RID)?;
    }

    // A new lead, proposed and perhaps accepted.
    let mut lead = s.lead;
    if let Some(h) = &s.handover {
        let to = *members
            .get(h.to)
            .ok_or_else(|| bad(h.to, "not on the team"))?;
        let checklist = HandoverChecklist::parse(h.transition, h.needs_to_know, true, "")
            .map_err(|e| bad("handover", e))?;
        let proposer = ctx
            .open(conn, s.lead, log)?
            .handover_proposer()
            .map_err(|e| bad("handover", e))?;
        let id = logs::propose_handover(conn, &proposer, to, &checklist, today, RID)?
            .map_err(|e| bad(h.to, e))?;
        if let Some(answer) = h.accepted {
            let w = ctx
                .open(conn, h.to, log)?
                .writer()
                .map_err(|e| bad(h.to, e))?;
            logs::decide_handover(conn, &w, id, true, Some(answer), RID)?;
            lead = h.to;
        }
    }

    if let Some(reason) = s.closed {
        let closer = ctx
            .open(conn, lead, log)?
            .closer()
            .map_err(|e| bad("close", e))?;
        logs::close(conn, &closer, reason, RID)?;
    }
    Ok(())
}
