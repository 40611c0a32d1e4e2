//! The small lists every generated name is drawn from. All invented or
//! common words; no list is of real people.

pub(super) const FIRST: &[&str] = &[
    "Emma", "Nora", "Olivia", "Sofie", "Ella", "Leah", "Frida", "Ingrid", "Maja", "Selma", "Jakob",
    "Noah", "Emil", "Lukas", "Oskar", "Filip", "Aksel", "Isak", "Henrik", "Mathias", "Sara",
    "Tuva", "Amalie", "Mohammed", "Ali", "Vilde", "Jonas", "Sander", "Eirik", "Hedda",
];

pub(super) const LAST: &[&str] = &[
    "Benkesen",
    "Lauvstad",
    "Myrvang",
    "Hagebø",
    "Stakkeland",
    "Fjellro",
    "Bekkestad",
    "Lyngmo",
    "Sandvold",
    "Tjernhaug",
    "Aasmyr",
    "Brekkeli",
    "Dalsrud",
    "Elvemo",
    "Furuli",
    "Granmo",
    "Holtvik",
    "Kleivstad",
    "Lindholt",
    "Moldvik",
];

/// Halves of municipality and unit names («Lind» + «vik»).
pub(super) const PLACE_A: &[&str] = &[
    "Lind", "Bjørke", "Furu", "Ask", "Eike", "Rogn", "Selje", "Hassel", "Older", "Lønne", "Gran",
    "Osp", "Hegg", "Alm", "Vier", "Lyng", "Myr", "Stein", "Fjell", "Elve",
];
pub(super) const PLACE_B: &[&str] = &[
    "vik", "dal", "haug", "nes", "berg", "mo", "li", "stad", "rud", "vang", "fjord", "øy", "sund",
    "bakken", "heim", "voll", "tun", "land", "ås", "skog",
];

pub(super) const CONCERNS: &[&str] = &[
    "Virker sliten og trekker seg fra de andre barna.",
    "Mye fravær siste måned, foresatte er informert.",
    "Språket utvikler seg saktere enn forventet.",
    "Uro i gruppa, konflikter i friminuttene.",
    "Forteller om lite søvn og uro hjemme.",
];

pub(super) const MEASURES: &[&str] = &[
    "Samtalegruppe",
    "Språkgruppe",
    "Foreldreveiledning (ICDP)",
    "Tett oppfølging av helsesykepleier",
    "Miljøterapeut i klassen",
    "Leksehjelp",
    "Fritidskontakt",
    "PMTO-veiledning",
];

pub(super) const GOALS: &[&str] = &[
    "Barnet skal trives og delta i leken.",
    "Fraværet skal ned under fem prosent.",
    "Barnet skal ha en trygg voksen å gå til.",
    "Foresatte skal oppleve mestring i hverdagen.",
];

pub(super) const ASSESSMENTS: &[&str] = &[
    "Bedre oppmøte, barnet sier det er greit på skolen.",
    "Lite endring så langt, vi prøver noen uker til.",
    "God effekt ifølge foresatte og kontaktlærer.",
];

pub(super) const NOTES: &[&str] = &[
    "Samtale med foresatte, de er enige i planen.",
    "Kort møte med kontaktlærer om uka som gikk.",
    "Barnet fortalte at det går bedre i friminuttene.",
];

/// The titles of the service staff on a team (free text, as staff write it).
pub(super) const TEAM_ROLES: &[&str] = &[
    "PP-rådgiver",
    "Helsesykepleier",
    "Familieterapeut",
    "Saksbehandler",
    "Miljøterapeut",
];
