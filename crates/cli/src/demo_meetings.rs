//! Meetings in the demo (issue #11): case meetings in several logs of «Demo
//! kommune» and one of «Nabo kommune» (nynorsk) — planned ones with
//! invitations and answers, held ones with approved minutes, decisions (some
//! done, some open with deadlines, one that became a measure) and ratings
//! by guardians and children — and the municipality's standing teams: a TST
//! at each school and kindergarten with fixed members and meetings this
//! semester (one team short of its rule, one meeting cancelled), and a
//! tidlig innsatsteam with an anonymous case and a named one.
//!
//! Everything goes through the same db functions and capabilities as the
//! pages, made the way [`crate::demo_logs`] makes them: each act is done by
//! the demo user who would do it, so the timelines, the access log, the
//! tasks and the e-mail list tell the story. Dates are relative to the day
//! the demo is seeded; a held meeting is called as if on a day before it
//! (the invitation form refuses a day past).
//!
//! E-mail: calling, approving and deciding queue e-mail as the pages do;
//! at the end of the seeding, in its transaction, every e-mail it queued is
//! marked «ikke sendt» with the reason `demo` and its outbox job removed
//! (`laget_db::meetings::mail::withhold_demo`), so nothing goes out even
//! with SMTP configured. The demo's addresses are under
//! `demo.kommune.example` (a reserved name that reaches no one), and its
//! guardians have none.
//!
//! Running the demo again changes nothing: a municipality that has
//! standing teams is left as it is, and a log that has meetings (made by
//! hand in an older demo) gets no more.

use crate::demo_logs::{self, Ctx, RID, bad, nb};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Oslo;
use laget_db::meetings::minutes::{self, Draft};
use laget_db::meetings::teams::{self, MemberSpec, NewTeamMeeting, TeamFields, Who};
use laget_db::meetings::{invitations, team_cases, templates};
use laget_db::{DbConnection, DbResult, admin::users, casework, log as logs};
use laget_domain::MunicipalityId;
use laget_domain::access::{Actor, Operator, TeamDefiner, TeamPlanner};
use laget_domain::admin::municipality::WrittenStandard;
use laget_domain::admin::user::Username;
use laget_domain::ids::{DecisionId, LogId, MeetingId, OfferId, StandingTeamId};
use laget_domain::log::stafett::{MeasureForm, NewMeasure};
use laget_domain::meetings::invitation::{Answer, MeetingForm, NewMeeting};
use laget_domain::meetings::minutes::{
    Attendance, DecisionForm, DraftDecision, MinutesForm, MinutesText, NewDecision, NewRating,
    RaterChoice,
};
use laget_domain::meetings::teams::{Semester, TeamKind, default_units};
use laget_domain::meetings::{BroughtBy, MeetingKind, ParticipantKind};
use laget_web::i18n::Messages;

/// Someone at a meeting, as the specs name them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Party {
    /// A demo user (staff).
    Staff(&'static str),
    /// The guardian with parental responsibility, in the order registered.
    Guardian(usize),
    Child,
}
use Party::{Child, Guardian, Staff};

/// A decision of the minutes.
struct DecisionSpec {
    text: &'static str,
    /// The responsible demo user.
    by: &'static str,
    /// Deadline, days from today (negative: passed).
    deadline: i64,
    /// Marked done by the responsible person, with this note.
    done: Option<&'static str>,
    /// Made into a measure by the lead: (catalogue offer, or "" with a
    /// free-form name).
    measure: Option<(&'static str, &'static str)>,
}

const DECISION: DecisionSpec = DecisionSpec {
    text: "",
    by: "",
    deadline: 14,
    done: None,
    measure: None,
};

struct MinutesSpec {
    /// Recorded absent; everyone else invited was present.
    absent: &'static [Party],
    voice: &'static str,
    discussed: &'static str,
    next: &'static str,
    decisions: &'static [DecisionSpec],
    /// Approved by the lead; otherwise a draft (the lead's task).
    approved: bool,
    /// (who, 1–5, comment), recorded by the lead on their behalf.
    ratings: &'static [(Party, &'static str, &'static str)],
}

const MINUTES: MinutesSpec = MinutesSpec {
    absent: &[],
    voice: "",
    discussed: "",
    next: "",
    decisions: &[],
    approved: true,
    ratings: &[],
};

struct MeetingSpec {
    kind: MeetingKind,
    /// Days from today (negative: held); moved off a weekend.
    day: i64,
    from: &'static str,
    to: &'static str,
    place: &'static str,
    video: &'static str,
    purpose: &'static str,
    /// Invited: staff on the team, the guardians, the child.
    invited: &'static [Party],
    /// (staff, coming, note) — answers given before the meeting.
    answers: &'static [(&'static str, bool, &'static str)],
    /// The lead has marked the child's voice gathered.
    voice_gathered: bool,
    minutes: Option<MinutesSpec>,
}

const MEETING: MeetingSpec = MeetingSpec {
    kind: MeetingKind::Cooperation,
    day: 14,
    from: "09:00",
    to: "10:30",
    place: "",
    video: "",
    purpose: "",
    invited: &[],
    answers: &[],
    voice_gathered: false,
    minutes: None,
};

/// The meetings of one log, held by `lead`.
struct LogMeetings {
    child: &'static str,
    lead: &'static str,
    /// Oldest first.
    meetings: &'static [MeetingSpec],
}

const LOG_MEETINGS: &[LogMeetings] = &[
    // Level 2 after the move to school: a meeting held before the start, one ahead.
    LogMeetings {
        child: "Filip Haugland",
        lead: "larer",
        meetings: &[
            MeetingSpec {
                day: -24,
                from: "13:00",
                to: "14:30",
                place: "Bakken skole, møterom 2",
                purpose: "Bli enige om hvordan skolen, PPT og foreldrene hjelper Filip å finne seg til rette i første klasse.",
                invited: &[Staff("ppt"), Staff("ansatt"), Guardian(0), Guardian(1)],
                answers: &[
                    ("ppt", true, ""),
                    ("ansatt", true, "Jeg tar med overgangsnotatet."),
                ],
                voice_gathered: true,
                minutes: Some(MinutesSpec {
                    voice: "Filip forteller at han liker å tegne, men at det er for mye bråk i garderoben. Han vil gjerne ha en fast plass der.",
                    discussed: "Skolen har fått overgangsnotatet fra barnehagen. PPT har observert Filip i klassen to ganger og ser at han blir sliten av overgangene. Foreldrene forteller at han er trøtt og lei når han kommer hjem.",
                    next: "Nytt samarbeidsmøte før jul.",
                    decisions: &[
                        DecisionSpec {
                            text: "Sende den sakkyndige vurderingen til skolen og foreldrene.",
                            by: "ppt",
                            deadline: 9,
                            ..DECISION
                        },
                        DecisionSpec {
                            text: "Lage en fast, skjermet plass i garderoben og en bildeplan for dagen.",
                            by: "larer",
                            deadline: -10,
                            done: Some("Plassen er laget, og Filip bruker bildeplanen hver dag."),
                            ..DECISION
                        },
                        DecisionSpec {
                            text: "Filip får en fast voksen i overgangene mellom aktivitetene.",
                            by: "larer",
                            deadline: -3,
                            done: Some(
                                "Gjort om til tiltak i loggen; en fast voksen følger Filip fra uke to.",
                            ),
                            measure: Some(("", "Fast voksen i overgangene")),
                        },
                    ],
                    ratings: &[
                        (
                            Guardian(0),
                            "4",
                            "Godt å høre at alle vet hva de skal gjøre.",
                        ),
                        (
                            Guardian(1),
                            "3",
                            "Mye informasjon på en gang, men en god plan.",
                        ),
                    ],
                    ..MINUTES
                }),
                ..MEETING
            },
            MeetingSpec {
                day: 18,
                from: "13:00",
                to: "14:00",
                place: "Bakken skole, møterom 2",
                purpose: "Se hvordan planen fra forrige møte virker, og gå gjennom den sakkyndige vurderingen.",
                invited: &[Staff("ppt"), Staff("ansatt"), Guardian(0), Guardian(1)],
                answers: &[("ppt", true, "")],
                ..MEETING
            },
        ],
    },
    // Level 3: an ansvarsgruppe with the child; møteplikt, one service has not answered.
    LogMeetings {
        child: "William Berntsen",
        lead: "larer",
        meetings: &[
            MeetingSpec {
                kind: MeetingKind::ResponsibilityGroup,
                day: -35,
                place: "Bakken skole, møterom 1",
                purpose: "Samle tjenestene og familien om én plan for William: fravær, trygghet hjemme og hvem som koordinerer.",
                invited: &[
                    Staff("ppt"),
                    Staff("helsesykepleier"),
                    Staff("barnevern"),
                    Guardian(0),
                    Guardian(1),
                    Child,
                ],
                answers: &[
                    ("ppt", true, ""),
                    ("helsesykepleier", true, ""),
                    ("barnevern", true, ""),
                ],
                voice_gathered: true,
                minutes: Some(MinutesSpec {
                    absent: &[Guardian(1)],
                    voice: "William var med den første halvtimen. Han vil at noen skal hjelpe mamma, og han liker å være hos miljøterapeuten.",
                    discussed: "Fraværet er fortsatt høyt, mest mandager. Barnevernstjenesten har hatt to samtaler med mor. Helsesykepleier tilbyr faste samtaler. Skolen ønsker en koordinator og individuell plan.",
                    next: "Nytt møte i ansvarsgruppen om fem uker.",
                    decisions: &[
                        DecisionSpec {
                            text: "Avklare hjelpetiltak i hjemmet sammen med familien.",
                            by: "barnevern",
                            deadline: -7,
                            ..DECISION
                        },
                        DecisionSpec {
                            text: "Tilby William en fast samtale hos helsesykepleier hver uke.",
                            by: "helsesykepleier",
                            deadline: -20,
                            done: Some("Samtalene er i gang hver tirsdag."),
                            ..DECISION
                        },
                        DecisionSpec {
                            text: "Søke om koordinator og individuell plan.",
                            by: "larer",
                            deadline: 14,
                            ..DECISION
                        },
                    ],
                    ratings: &[
                        (
                            Guardian(0),
                            "3",
                            "Mange folk rundt bordet, men nå vet jeg hvem jeg skal ringe.",
                        ),
                        (Child, "4", "Bra at jeg fikk si det selv."),
                    ],
                    ..MINUTES
                }),
                ..MEETING
            },
            MeetingSpec {
                kind: MeetingKind::ResponsibilityGroup,
                day: 9,
                place: "Bakken skole, møterom 1",
                purpose: "Følge opp vedtakene fra forrige møte og bli enige om søknaden om individuell plan.",
                invited: &[
                    Staff("ppt"),
                    Staff("helsesykepleier"),
                    Staff("barnevern"),
                    Guardian(0),
                    Guardian(1),
                    Child,
                ],
                answers: &[
                    ("ppt", true, ""),
                    (
                        "helsesykepleier",
                        false,
                        "Kurs den dagen. Jeg sender et skriftlig innspill til stafettholderen.",
                    ),
                ],
                voice_gathered: true,
                ..MEETING
            },
        ],
    },
    // Level 3 in the kindergarten: the services without the family, then with it.
    LogMeetings {
        child: "Lucas Hansen Holm",
        lead: "ansatt",
        meetings: &[
            MeetingSpec {
                kind: MeetingKind::Services,
                day: -14,
                from: "14:00",
                to: "15:00",
                video: "https://video.demo.kommune.example/rom/4512",
                purpose: "Samordne tjenestene etter bekymringsmeldingen, før et samarbeidsmøte med foreldrene.",
                invited: &[Staff("ppt"), Staff("helsesykepleier"), Staff("barnevern")],
                answers: &[
                    ("ppt", true, ""),
                    ("helsesykepleier", true, ""),
                    ("barnevern", true, ""),
                ],
                voice_gathered: true,
                minutes: Some(MinutesSpec {
                    voice: "Lucas ble ikke spurt direkte før dette møtet. Barnehagen ser at han leker rolig med bamsen og søker en fast voksen når det blir høye lyder.",
                    discussed: "Barnevernstjenesten har startet hjelpetiltak i hjemmet. Helsestasjonen kjenner familien fra før. Tjenestene er enige om å tilby foreldrene veiledning og å drøfte saken i tidlig innsatsteam.",
                    next: "Samarbeidsmøte med foreldrene.",
                    decisions: &[
                        DecisionSpec {
                            text: "Tilby foreldrene kurset Trygghetssirkelen.",
                            by: "helsesykepleier",
                            deadline: 21,
                            measure: Some(("Trygghetssirkelen (COS-P) – foreldrekurs", "")),
                            ..DECISION
                        },
                        DecisionSpec {
                            text: "Drøfte saken i tidlig innsatsteam for 1–5 år.",
                            by: "ppt",
                            deadline: -2,
                            done: Some("Saken er meldt inn og drøftet i teamet."),
                            ..DECISION
                        },
                    ],
                    ..MINUTES
                }),
                ..MEETING
            },
            MeetingSpec {
                day: 6,
                from: "08:30",
                to: "09:30",
                place: "Solsiden barnehage, personalrommet",
                purpose: "Legge en felles plan sammen med foreldrene.",
                invited: &[
                    Staff("ppt"),
                    Staff("helsesykepleier"),
                    Staff("barnevern"),
                    Guardian(0),
                    Guardian(1),
                ],
                answers: &[("barnevern", true, ""), ("helsesykepleier", true, "")],
                ..MEETING
            },
        ],
    },
    // Level 3 in the lower secondary school: minutes with the youth's own
    // rating, and a meeting last week whose minutes are still a draft.
    LogMeetings {
        child: "Tobias Lindqvist",
        lead: "kontaktlarer",
        meetings: &[
            MeetingSpec {
                day: -42,
                from: "12:00",
                to: "13:30",
                place: "Fjellet ungdomsskole, rådgiverkontoret",
                purpose: "Finne noe som gjør skolen meningsfull for Tobias, og avtale hvordan fraværet følges opp.",
                invited: &[
                    Staff("helsesykepleier"),
                    Staff("ppt"),
                    Staff("barnevern"),
                    Guardian(0),
                    Guardian(1),
                    Child,
                ],
                answers: &[
                    ("helsesykepleier", true, ""),
                    ("ppt", true, ""),
                    ("barnevern", true, ""),
                ],
                voice_gathered: true,
                minutes: Some(MinutesSpec {
                    absent: &[Staff("barnevern")],
                    voice: "Tobias sier at skolen er bortkastet tid, men at han gjerne vil jobbe med biler.",
                    discussed: "Fraværet er over 30 prosent. Foreldrene vet ofte ikke hvor Tobias er om kveldene. PPT foreslår praktisk arbeid én dag i uken.",
                    next: "Nytt møte om seks uker.",
                    decisions: &[
                        DecisionSpec {
                            text: "Finne en praksisplass i et bilverksted én dag i uken.",
                            by: "kontaktlarer",
                            deadline: -14,
                            done: Some("Tobias er i bilverkstedet på Haugen hver onsdag."),
                            ..DECISION
                        },
                        DecisionSpec {
                            text: "Følge opp fraværet hver uke sammen med foreldrene.",
                            by: "kontaktlarer",
                            deadline: 30,
                            ..DECISION
                        },
                    ],
                    ratings: &[
                        (Guardian(0), "4", "Vi ble hørt."),
                        (Child, "2", "Det var for mange voksne."),
                    ],
                    ..MINUTES
                }),
                ..MEETING
            },
            MeetingSpec {
                day: -6,
                from: "12:00",
                to: "13:00",
                place: "Fjellet ungdomsskole, rådgiverkontoret",
                purpose: "Se hvordan praksisdagen virker på fraværet.",
                invited: &[Staff("helsesykepleier"), Staff("ppt"), Guardian(0), Child],
                answers: &[("helsesykepleier", true, ""), ("ppt", true, "")],
                voice_gathered: true,
                minutes: Some(MinutesSpec {
                    voice: "Tobias liker onsdagene i verkstedet og sier at han vil fortsette der.",
                    approved: false,
                    ..MINUTES
                }),
                ..MEETING
            },
        ],
    },
    // Level 2 in the kindergarten: a decision that became a measure.
    LogMeetings {
        child: "Alva Kristiansen",
        lead: "ansatt",
        meetings: &[MeetingSpec {
            day: -20,
            from: "08:15",
            to: "09:15",
            place: "Solsiden barnehage, personalrommet",
            purpose: "Bli enige om hvordan barnehagen og PPT styrker språket til Alva.",
            invited: &[Staff("ppt"), Guardian(0), Guardian(1)],
            answers: &[("ppt", true, "")],
            voice_gathered: true,
            minutes: Some(MinutesSpec {
                voice: "Alva tegnet barnehagen og pekte på seg selv og en venn. Hun sier «leke» og «synge».",
                discussed: "Språkøktene har gitt liten framgang. PPT anbefaler daglige økter i liten gruppe. Foreldrene leser for Alva hver kveld.",
                next: "Nytt møte om åtte uker.",
                decisions: &[
                    DecisionSpec {
                        text: "Daglige språkøkter i liten gruppe, tre ganger i uken.",
                        by: "ansatt",
                        deadline: -6,
                        done: Some("Øktene er i gang og er lagt inn som tiltak."),
                        measure: Some(("", "Språkøkter i liten gruppe")),
                    },
                    DecisionSpec {
                        text: "Skrive sakkyndig vurdering om spesialpedagogisk hjelp.",
                        by: "ppt",
                        deadline: 25,
                        ..DECISION
                    },
                ],
                ratings: &[(Guardian(0), "5", "Endelig en plan vi tror på.")],
                ..MINUTES
            }),
            ..MEETING
        }],
    },
    // Level 2 at school: a meeting this week with the child invited.
    LogMeetings {
        child: "Sara Amundsen",
        lead: "larer",
        meetings: &[MeetingSpec {
            day: 4,
            from: "14:00",
            to: "15:00",
            place: "Bakken skole, møterom 2",
            video: "https://video.demo.kommune.example/rom/2208",
            purpose: "Gå gjennom det PPT har funnet om lesingen, og bli enige om hjelpen videre.",
            invited: &[Staff("ppt"), Guardian(0), Guardian(1), Child],
            answers: &[("ppt", true, "Jeg kommer på video.")],
            voice_gathered: true,
            ..MEETING
        }],
    },
];

/// «Nabo kommune» writes nynorsk.
const NEIGHBOUR_LOG_MEETINGS: &[LogMeetings] = &[LogMeetings {
    child: "Eirik Haugland",
    lead: "nabo",
    meetings: &[
        MeetingSpec {
            day: -16,
            from: "14:00",
            to: "15:00",
            place: "Nabo skule, møterommet",
            purpose: "Lage ein plan saman med Eirik og foreldra for friminutta og fråværet.",
            invited: &[Staff("naboleiar"), Guardian(0), Guardian(1), Child],
            answers: &[("naboleiar", true, "")],
            voice_gathered: true,
            minutes: Some(MinutesSpec {
                voice: "Eirik seier at han gruar seg mest til friminutta, og at han vil ha ein vaksen å gå til.",
                discussed: "Fråværet har gått ned sidan tiltaket starta. Foreldra fortel at Eirik søv betre. Skulen vil ta opp friminutta i TST.",
                next: "Nytt møte etter jul.",
                decisions: &[
                    DecisionSpec {
                        text: "Lage ein plan for friminutta saman med Eirik.",
                        by: "nabo",
                        deadline: -2,
                        done: Some("Planen er laga, og Eirik har ein fast vaksen ute."),
                        ..DECISION
                    },
                    DecisionSpec {
                        text: "Ta opp friminutta i TST-møtet på Nabo skule.",
                        by: "naboleiar",
                        deadline: 10,
                        ..DECISION
                    },
                ],
                ratings: &[
                    (Guardian(0), "5", "Godt å få snakke saman alle i lag."),
                    (Child, "4", "Fint at eg fekk seie kva eg meiner."),
                ],
                ..MINUTES
            }),
            ..MEETING
        },
        MeetingSpec {
            day: 25,
            from: "14:00",
            to: "15:00",
            place: "Nabo skule, møterommet",
            purpose: "Sjå korleis planen for friminutta verkar.",
            invited: &[Staff("naboleiar"), Guardian(0), Guardian(1), Child],
            ..MEETING
        },
    ],
}];

/// The day `days` from `today`, moved off a weekend: a day past to the
/// Friday before, a day ahead to the Monday after.
fn weekday(today: NaiveDate, days: i64) -> NaiveDate {
    let d = today + Duration::days(days);
    match (d.weekday(), days < 0) {
        (Weekday::Sat, true) => d - Duration::days(1),
        (Weekday::Sun, true) => d - Duration::days(2),
        (Weekday::Sat, false) => d + Duration::days(2),
        (Weekday::Sun, false) => d + Duration::days(1),
        _ => d,
    }
}

/// A Norwegian local time as UTC (`None` for a time that does not exist).
fn oslo(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    Oslo.from_local_datetime(&t)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// The meetings of «Demo kommune»: the case meetings, the standing teams.
/// Seeded once: a municipality that has standing teams has had its
/// meetings seeded (in the same transaction), and is left as it is without
/// a read or a row in the access log, so a second start changes nothing.
pub fn seed(conn: &mut DbConnection, m: MunicipalityId, today: NaiveDate) -> DbResult<()> {
    let admin = actor_of(conn, "kommuneadmin")?;
    let definer = admin
        .define_teams(m)
        .map_err(|e| bad("kommuneadmin defines teams", e))?;
    if !teams::list(conn, &definer)?.is_empty() {
        return Ok(());
    }
    let since = Utc::now();
    let ctx = Ctx::load(conn, m, today, demo_logs::STAFF)?;
    for l in LOG_MEETINGS {
        meetings_of_log(conn, &ctx, l, WrittenStandard::Bokmal)
            .map_err(|e| bad(format!("meetings of {}", l.child), e))?;
    }
    demo_teams(conn, &ctx, &definer, WrittenStandard::Bokmal)
        .map_err(|e| bad("standing teams", e))?;
    // The e-mail the seeding queued (to made-up people, about meetings in
    // the past too) is never sent, even with SMTP configured (#21).
    laget_db::meetings::mail::withhold_demo(conn, since)?;
    Ok(())
}

/// The meetings of «Nabo kommune», in nynorsk: Eirik's log and a TST at
/// Nabo skule; seeded once, as [`seed`].
pub fn seed_neighbour(
    conn: &mut DbConnection,
    m: MunicipalityId,
    today: NaiveDate,
) -> DbResult<()> {
    // No administrator of its own in the demo: the operator defines it.
    let definer = Operator::at_console().administer(m).define_teams();
    if !teams::list(conn, &definer)?.is_empty() {
        return Ok(());
    }
    let since = Utc::now();
    let ctx = Ctx::load(conn, m, today, demo_logs::NEIGHBOUR_STAFF)?;
    for l in NEIGHBOUR_LOG_MEETINGS {
        meetings_of_log(conn, &ctx, l, WrittenStandard::Nynorsk)
            .map_err(|e| bad(format!("meetings of {}", l.child), e))?;
    }
    let unit = ctx.unit(demo_logs::NABO_SKULE)?;
    let team = define(
        conn,
        &definer,
        TeamKind::Tst,
        "TST Nabo skule",
        Some(unit),
        None,
        Some(ctx.user("naboleiar")?.0.user_id()),
        &[],
        WrittenStandard::Nynorsk,
    )?;
    plan_semester(
        conn,
        &ctx,
        "naboleiar",
        team,
        2,
        "Fast møte i TST.",
        "Nabo skule, møterommet",
    )?;
    laget_db::meetings::mail::withhold_demo(conn, since)?;
    Ok(())
}

fn actor_of(conn: &mut DbConnection, name: &str) -> DbResult<Actor> {
    let username = Username::parse(name).map_err(|e| bad(name, e))?;
    let user =
        users::find_by_username(conn, &username)?.ok_or_else(|| bad(name, "no such demo user"))?;
    laget_db::lookup::actor(conn, user.id)
}

/// The open log that `l.lead` holds for `l.child`, if the demo has it.
fn log_of(conn: &mut DbConnection, ctx: &Ctx, l: &LogMeetings) -> DbResult<Option<LogId>> {
    let (actor, _) = ctx.user(l.lead)?;
    Ok(casework::my_logs(conn, actor, ctx.today, RID)?
        .into_iter()
        .find(|g| g.is_lead && g.is_open && g.child_name == l.child)
        .map(|g| g.log_id))
}

/// Calls, answers, holds and follows up the meetings of one log, unless it
/// has meetings already.
fn meetings_of_log(
    conn: &mut DbConnection,
    ctx: &Ctx,
    l: &LogMeetings,
    standard: WrittenStandard,
) -> DbResult<()> {
    let Some(log) = log_of(conn, ctx, l)? else {
        return Ok(());
    };
    let reader = ctx.open(conn, l.lead, log)?;
    if !invitations::list(conn, &reader)?.is_empty() {
        return Ok(());
    }
    for spec in l.meetings {
        meeting(conn, ctx, l, log, spec, standard)?;
    }
    Ok(())
}

fn meeting(
    conn: &mut DbConnection,
    ctx: &Ctx,
    l: &LogMeetings,
    log: LogId,
    s: &MeetingSpec,
    standard: WrittenStandard,
) -> DbResult<MeetingId> {
    let today = ctx.today;
    let day = weekday(today, s.day);
    // A held meeting is called a week or two before it; one ahead, today.
    let called = if day < today {
        day - Duration::days(12)
    } else {
        today
    };
    let reader = ctx.open(conn, l.lead, log)?;
    let choices = invitations::choices(conn, &reader, called)?;
    let mut staff: Vec<String> = Vec::new();
    let mut guardians: Vec<String> = Vec::new();
    let mut child = false;
    for who in s.invited {
        match *who {
            Staff(name) => {
                let (actor, _) = ctx.user(name)?;
                let pick = choices
                    .staff
                    .iter()
                    .find(|c| c.user == actor.user_id())
                    .ok_or_else(|| bad(name, "not on the team"))?;
                staff.push(format!("{}:{}", pick.user, pick.unit));
            }
            Guardian(i) => guardians.push(
                choices
                    .guardians
                    .get(i)
                    .ok_or_else(|| bad(i, "no such guardian"))?
                    .0
                    .to_string(),
            ),
            Child => child = true,
        }
    }
    let stored = templates::for_kind(conn, reader.municipality_id(), s.kind)?;
    let agenda = stored
        .map(|t| t.agenda)
        .unwrap_or_else(|| default_agenda(Messages::of(standard), s.kind));
    let date = nb(day);
    let form = MeetingForm {
        kind: s.kind.code(),
        purpose: s.purpose,
        agenda: &agenda,
        date: &date,
        from: s.from,
        to: s.to,
        place: s.place,
        video_link: s.video,
        staff: staff.iter().map(String::as_str).collect(),
        units: vec![],
        guardians: guardians.iter().map(String::as_str).collect(),
        child,
    };
    let called_at = called.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let new = NewMeeting::parse(&form, &choices.invite_choices(), called, called_at, &oslo)
        .map_err(|e| bad("invitation", e))?;
    let convener = reader.meeting_convener().map_err(|e| bad("convener", e))?;
    let id = invitations::call(conn, &convener, &new, called, RID)?.map_err(|e| bad("call", e))?;

    for (name, coming, note) in s.answers {
        let w = ctx.writer(conn, name, log)?;
        let mine =
            invitations::invitation_of(conn, &w, id)?.ok_or_else(|| bad(name, "not invited"))?;
        let answer = Answer::parse(
            if *coming { "kommer" } else { "kommer_ikke" },
            note,
            mine.must_answer,
        )
        .map_err(|e| bad("answer", e))?;
        invitations::answer(conn, &w, id, &answer, RID)?.map_err(|e| bad("answer", e))?;
    }
    if s.voice_gathered {
        invitations::voice_gathered(conn, &convener, id, RID)?;
    }
    if let Some(mins) = &s.minutes {
        hold(conn, ctx, l, log, id, day, mins)?;
    }
    Ok(id)
}

/// The agenda of the catalogue's template for `kind`, numbered one item a
/// line, as the invitation form fills it in.
fn default_agenda(m: &Messages, kind: MeetingKind) -> String {
    let items = match kind {
        MeetingKind::ResponsibilityGroup => m.meeting_default_agenda_ansvarsgruppe,
        MeetingKind::Services => m.meeting_default_agenda_instans,
        MeetingKind::Cooperation | MeetingKind::Team => m.meeting_default_agenda_samarbeid,
    };
    items
        .split('|')
        .enumerate()
        .map(|(i, item)| format!("{}. {}", i + 1, item.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The minutes of a held meeting: written and approved by the lead, the
/// decisions followed up by their responsible persons, the family's
/// ratings recorded.
fn hold(
    conn: &mut DbConnection,
    ctx: &Ctx,
    l: &LogMeetings,
    log: LogId,
    id: MeetingId,
    day: NaiveDate,
    s: &MinutesSpec,
) -> DbResult<()> {
    let today = ctx.today;
    let reader = ctx.open(conn, l.lead, log)?;
    let view = minutes::minutes(conn, &reader, id)?;
    // The guardians as the log lists them (the specs count them so).
    let choices = invitations::choices(conn, &reader, today)?;
    let is = |who: Party, p: &minutes::Participant| -> DbResult<bool> {
        Ok(match who {
            Staff(name) => {
                p.kind == ParticipantKind::Staff && p.user == Some(ctx.user(name)?.0.user_id())
            }
            Guardian(i) => {
                p.kind == ParticipantKind::Guardian
                    && p.guardian.is_some()
                    && p.guardian == choices.guardians.get(i).map(|g| g.0)
            }
            Child => p.kind == ParticipantKind::Child,
        })
    };
    let mut attendance = Vec::new();
    for p in &view.participants {
        let mut absent = false;
        for who in s.absent {
            absent |= is(*who, p)?;
        }
        // A draft has the staff marked so far; approved minutes everyone.
        let present = (s.approved || p.kind == ParticipantKind::Staff).then_some(if absent {
            Attendance::Absent
        } else {
            Attendance::Present
        });
        attendance.push((p.id, present));
    }
    let staff: Vec<_> = minutes::responsible_choices(conn, &reader, today)?
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    let mut decisions = Vec::new();
    for d in s.decisions {
        let by = ctx.user(d.by)?.0.user_id().to_string();
        let deadline = nb(today + Duration::days(d.deadline));
        let form = DecisionForm {
            text: d.text,
            responsible: &by,
            deadline: &deadline,
        };
        let decision = NewDecision::parse(&form, &staff, None, day)
            .map_err(|e| bad("decision", e))?
            .ok_or_else(|| bad("decision", "empty"))?;
        decisions.push(DraftDecision { id: None, decision });
    }
    let text = MinutesText::parse(
        &MinutesForm {
            voice: s.voice,
            discussed: s.discussed,
            next: s.next,
            next_on: "",
        },
        None,
        day,
    )
    .map_err(|e| bad("minutes", e))?;
    let w = ctx.writer(conn, l.lead, log)?;
    let draft = Draft {
        attendance,
        text,
        decisions,
    };
    minutes::save_draft(conn, &w, id, &draft, RID)?.map_err(|e| bad("draft", e))?;
    if !s.approved {
        return Ok(());
    }
    let approver = reader.minutes_approver().map_err(|e| bad("approver", e))?;
    minutes::approve(conn, &approver, id, RID)?.map_err(|e| bad("approve", e))?;

    // The decisions followed up.
    let written = minutes::minutes(conn, &reader, id)?.decisions;
    for (spec, d) in s.decisions.iter().zip(&written) {
        if let Some((offer, name)) = spec.measure {
            to_measure(conn, ctx, l, log, id, d.id, offer, name, day)?;
        }
        if let Some(note) = spec.done {
            let closer = ctx
                .open(conn, spec.by, log)?
                .decision_closer(d.id, d.responsible)
                .map_err(|e| bad("decision closer", e))?;
            minutes::mark_done(conn, &closer, note, RID)?;
        }
    }

    // The family's ratings, given to the lead.
    for (who, score, comment) in s.ratings {
        let view = minutes::minutes(conn, &reader, id)?;
        let rater = match *who {
            Guardian(i) => RaterChoice::Guardian(
                choices
                    .guardians
                    .get(i)
                    .ok_or_else(|| bad(i, "no such guardian"))?
                    .0,
            ),
            Child => RaterChoice::Child,
            Staff(name) => return Err(bad(name, "staff do not rate")),
        };
        let rating = NewRating::parse(&rater.code(), score, comment, &view.raters(), &view.rated())
            .map_err(|e| bad("rating", e))?;
        let w = reader
            .rating_recorder()
            .map_err(|e| bad("rating recorder", e))?;
        minutes::rate(conn, &w, id, &rating, RID)?.map_err(|e| bad("rate", e))?;
    }
    Ok(())
}

/// The lead makes a decision into a measure (as from the decision's «Gjør
/// om til tiltak»): the decision's text as the goal, its responsible
/// person, started the day after the meeting.
#[allow(clippy::too_many_arguments)]
fn to_measure(
    conn: &mut DbConnection,
    ctx: &Ctx,
    l: &LogMeetings,
    log: LogId,
    meeting: MeetingId,
    decision: DecisionId,
    offer: &str,
    name: &str,
    day: NaiveDate,
) -> DbResult<()> {
    let w = ctx.writer(conn, l.lead, log)?;
    let d = minutes::decision(conn, w.reader(), meeting, decision)?;
    let member = d
        .responsible_member
        .ok_or_else(|| bad("decision", "responsible not on the team"))?;
    let offer_id: Option<OfferId> = if offer.is_empty() {
        None
    } else {
        Some(
            ctx.offers
                .get(offer)
                .copied()
                .ok_or_else(|| bad(offer, "no such offer"))?,
        )
    };
    let offer_text = offer_id.map(|o| o.to_string()).unwrap_or_default();
    let responsible = member.to_string();
    let start = nb(day + Duration::days(1));
    let evaluate = nb(ctx.today + Duration::days(28));
    let form = MeasureForm {
        offer: &offer_text,
        name,
        goal: &d.text,
        responsible: &responsible,
        start: &start,
        evaluate_by: &evaluate,
        is_final: false,
        best_interest: "",
    };
    let known: Vec<OfferId> = offer_id.into_iter().collect();
    let new = NewMeasure::parse(&form, &known, &[member]).map_err(|e| bad("measure", e))?;
    let id = logs::add_measure(conn, &w, &new, RID)?;
    minutes::link_measure(conn, &w, decision, id, RID)
}

// ---------------------------------------------------------------------------
// Standing teams

/// A TST at each school and kindergarten, and a tidlig innsatsteam for
/// 1–5 years with an anonymous case (brought by a guardian) and a named
/// one.
fn demo_teams(
    conn: &mut DbConnection,
    ctx: &Ctx,
    definer: &TeamDefiner,
    standard: WrittenStandard,
) -> DbResult<()> {
    let persons = [
        ctx.user("ppt")?.0.user_id(),
        ctx.user("helsesykepleier")?.0.user_id(),
    ];
    // (unit, leader, meetings planned this semester); Lia's last one is
    // cancelled, which leaves it short of the rule (≥ 2 in autumn, ≥ 3 in
    // spring).
    let tsts: [(&str, &str, u32); 4] = [
        (demo_logs::SOLSIDEN, "leder", 2),
        (demo_logs::LIA, "pedagog", 2),
        (demo_logs::BAKKEN, "rektor", 3),
        (demo_logs::FJELLET, "kontaktlarer", 2),
    ];
    for (unit, leader, count) in tsts {
        let team = define(
            conn,
            definer,
            TeamKind::Tst,
            &format!("TST {unit}"),
            Some(ctx.unit(unit)?),
            None,
            Some(ctx.user(leader)?.0.user_id()),
            &persons,
            standard,
        )
        .map_err(|e| bad(format!("TST {unit}"), e))?;
        let place = format!("{unit}, møterom");
        let planned = plan_semester(
            conn,
            ctx,
            leader,
            team,
            count,
            "Fast TST-møte etter kommunens rutine.",
            &place,
        )
        .map_err(|e| bad(format!("meetings of TST {unit}"), e))?;
        if unit == demo_logs::LIA
            && let Some(last) = planned.last()
        {
            let planner = planner(conn, ctx, leader, team)?;
            teams::cancel(
                conn,
                &planner,
                *last,
                "Mange syke i personalet. Nytt møte settes opp så snart som mulig.",
            )?;
        }
    }

    // Tidlig innsatsteam, 1–5 years, led by the health station.
    let team = define(
        conn,
        definer,
        TeamKind::EarlyIntervention,
        "Tidlig innsatsteam 1–5 år",
        None,
        Some("1-5"),
        Some(ctx.user("helsesykepleier")?.0.user_id()),
        &[persons[0], ctx.user("barnevern")?.0.user_id()],
        standard,
    )
    .map_err(|e| bad("tidlig innsatsteam", e))?;
    let planned = plan_semester(
        conn,
        ctx,
        "helsesykepleier",
        team,
        2,
        "Drøfte saker meldt inn av tjenestene og av foresatte.",
        "Familiesenteret, møterom 1",
    )?;
    let Some(first) = planned.first().copied() else {
        return Ok(());
    };
    // An anonymous case a mother brought herself, through the health nurse.
    let nurse = member(conn, ctx, "helsesykepleier", team)?;
    let anonymous = team_cases::bring(
        conn,
        &nurse,
        &team_cases::NewTeamCase {
            meeting: Some(first),
            age_band: "1-5".into(),
            summary: "Mor til en gutt på tre år tok selv kontakt: han sover lite, og familien er sliten. Hun ønsker råd om hvor de kan få hjelp.".into(),
            brought_by: BroughtBy::Guardian,
            guardians_present: true,
        },
        None,
        ctx.today,
        RID,
    )?;
    // A named case: Lucas Hansen Holm's log, whose consent covers the team's units.
    let lucas = LogMeetings {
        child: "Lucas Hansen Holm",
        lead: "ansatt",
        meetings: &[],
    };
    let named = match log_of(conn, ctx, &lucas)? {
        Some(log) => {
            let ppt = member(conn, ctx, "ppt", team)?;
            let w = ctx.writer(conn, "ppt", log)?;
            Some(team_cases::bring(
                conn,
                &ppt,
                &team_cases::NewTeamCase {
                    meeting: Some(first),
                    age_band: "1-5".into(),
                    summary: "Gutt på fire år på nivå 3 i stafettloggen. Teamet drøfter hvordan familieveiledningen og barnevernets hjelpetiltak kan henge sammen.".into(),
                    brought_by: BroughtBy::Staff,
                    guardians_present: true,
                },
                Some(&w),
                ctx.today,
                RID,
            )?)
        }
        None => None,
    };
    let leader = planner(conn, ctx, "helsesykepleier", team)?;
    let decide = |conn: &mut DbConnection, case, text: &str, by: &str, days: i64| {
        team_cases::decide(
            conn,
            &leader,
            first,
            &team_cases::NewDecision {
                case,
                text: text.into(),
                responsible: ctx.user(by)?.0.user_id(),
                deadline: ctx.today + Duration::days(days),
            },
            ctx.today,
            RID,
        )?
        .map_err(|e| bad("team decision", e))
    };
    decide(
        conn,
        anonymous,
        "Helsestasjonen tilbyr mor en samtale om søvn og avlastning.",
        "helsesykepleier",
        10,
    )?;
    if let Some(case) = named {
        let done = decide(
            conn,
            case,
            "PPT og barnevernstjenesten avtaler et felles hjemmebesøk.",
            "ppt",
            -3,
        )?;
        let ppt = member(conn, ctx, "ppt", team)?;
        team_cases::mark_done(conn, &ppt, done)?;
        decide(
            conn,
            case,
            "Barnevernstjenesten melder tilbake til teamet om hjelpetiltakene.",
            "barnevern",
            20,
        )?;
    }
    Ok(())
}

/// Creates a team with the defaults of its kind: the units the kind names
/// (a TST's own unit first), the persons given as fixed members.
#[allow(clippy::too_many_arguments)]
fn define(
    conn: &mut DbConnection,
    definer: &TeamDefiner,
    kind: TeamKind,
    name: &str,
    unit: Option<laget_domain::UnitId>,
    age_band: Option<&str>,
    leader: Option<laget_domain::UserId>,
    persons: &[laget_domain::UserId],
    standard: WrittenStandard,
) -> DbResult<StandingTeamId> {
    let candidates = teams::candidates(conn, definer)?;
    let units: Vec<_> = candidates
        .units
        .iter()
        .map(|(id, _, k)| (*id, *k))
        .collect();
    let mut members: Vec<MemberSpec> = default_units(kind, unit, &units)
        .into_iter()
        .map(|(u, on_demand)| MemberSpec {
            who: Who::Unit(u),
            on_demand,
        })
        .collect();
    members.extend(persons.iter().map(|p| MemberSpec {
        who: Who::User(*p),
        on_demand: false,
    }));
    let d = kind.defaults();
    let m = Messages::of(standard);
    let agenda = if d.three_part_agenda {
        [
            m.teams_agenda_tst_1,
            m.teams_agenda_tst_2,
            m.teams_agenda_tst_3,
        ]
    } else {
        [
            m.teams_agenda_general_1,
            m.teams_agenda_general_2,
            m.teams_agenda_general_3,
        ]
    }
    .iter()
    .enumerate()
    .map(|(i, line)| format!("{}. {line}", i + 1))
    .collect::<Vec<_>>()
    .join("\n");
    teams::create(
        conn,
        definer,
        &TeamFields {
            kind,
            name: name.to_owned(),
            unit,
            age_band: age_band.map(str::to_owned),
            leader,
            rule: d.rule,
            min_minutes: d.min_minutes,
            agenda,
            active: true,
            members,
        },
        RID,
    )
}

fn member(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user: &str,
    team: StandingTeamId,
) -> DbResult<laget_domain::access::TeamMember> {
    let facts = teams::facts(conn, team)?;
    ctx.user(user)?
        .0
        .team_member(&facts)
        .map_err(|e| bad(format!("{user} on a team"), e))
}

fn planner(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user: &str,
    team: StandingTeamId,
) -> DbResult<TeamPlanner> {
    member(conn, ctx, user, team)?
        .planner()
        .map_err(|e| bad(format!("{user} plans"), e))
}

/// The leader plans `count` meetings spread over this semester (from a
/// month after it starts to ten days before it ends, on weekdays), each as
/// long as the team's minimum, with the team's agenda. Some fall before
/// today (held), the rest ahead.
fn plan_semester(
    conn: &mut DbConnection,
    ctx: &Ctx,
    leader: &str,
    team: StandingTeamId,
    count: u32,
    purpose: &str,
    place: &str,
) -> DbResult<Vec<MeetingId>> {
    let planner = planner(conn, ctx, leader, team)?;
    let summary = teams::of_member(conn, planner.member())?.summary;
    let semester = Semester::current(ctx.today);
    let first = semester.first_day() + Duration::days(30);
    let last = semester.last_day() - Duration::days(10);
    let span = (last - first).num_days();
    let mut out = Vec::new();
    for k in 0..count {
        let offset = if count == 1 {
            span / 2
        } else {
            span * i64::from(k) / i64::from(count - 1)
        };
        let mut day = first + Duration::days(offset);
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day -= Duration::days(1);
        }
        let start = day
            .and_hms_opt(12, 30, 0)
            .and_then(oslo)
            .ok_or_else(|| bad("team meeting", day))?;
        let minutes = i64::from(summary.min_minutes.max(60));
        out.push(teams::plan(
            conn,
            &planner,
            &NewTeamMeeting {
                starts_at: start,
                ends_at: start + Duration::minutes(minutes),
                place: place.to_owned(),
                purpose: purpose.to_owned(),
                agenda: summary.agenda.clone(),
            },
        )?);
    }
    Ok(out)
}
