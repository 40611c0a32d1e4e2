//! Consents: adding, withdrawing, and the scanned form.

use super::*;
use laget_domain::ids::CitizenId;

/// A scanned consent form.
pub struct Scan {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The names of the guardians among `givers`, by name (the youth, if a
/// giver, is named by the reader's messages).
pub(super) fn giver_names(conn: &mut DbConnection, givers: &[Giver]) -> DbResult<Vec<String>> {
    let ids: Vec<String> = givers
        .iter()
        .filter_map(|g| match g {
            Giver::Guardian(id) => Some(id.to_string()),
            Giver::Youth => None,
        })
        .collect();
    Ok(guardians::table
        .filter(guardians::id.eq_any(ids))
        .order(guardians::name)
        .select(guardians::name)
        .load(conn)?)
}

/// Who records a consent or its withdrawal: staff under a [`LogWriter`],
/// or a citizen in the family's portal (`crate::portal::consent`, under a
/// `FamilyWriter`). The consent row, its timeline event and the log's
/// revision are written the same way for both; the caller writes the
/// access-log row with its own capability.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConsentAuthor {
    pub(crate) log: LogId,
    /// Staff: `consents.created_by` / `withdrawn_by` and the event's actor.
    pub(crate) user: Option<UserId>,
    /// A citizen: `consents.citizen_id` (given) and the event's
    /// `log_entries.citizen_id`; the ID-porten login is the signature.
    pub(crate) citizen: Option<CitizenId>,
}

impl ConsentAuthor {
    fn staff(w: &LogWriter) -> Self {
        Self {
            log: w.log_id(),
            user: Some(w.actor_id()),
            citizen: None,
        }
    }

    /// Marks a timeline event as the citizen's.
    fn sign(&self, conn: &mut DbConnection, entry: EntryId) -> DbResult<()> {
        if let Some(citizen) = self.citizen {
            diesel::update(log_entries::table.find(entry.to_string()))
                .set(log_entries::citizen_id.eq(Some(citizen.to_string())))
                .execute(conn)?;
        }
        Ok(())
    }
}

pub fn add_consent(
    conn: &mut DbConnection,
    w: &LogWriter,
    c: &NewConsent,
    scan: Option<Scan>,
    rid: &str,
) -> DbResult<ConsentId> {
    let attachment = match scan {
        Some(s) => {
            let a = AttachmentId::new();
            diesel::insert_into(attachments::table)
                .values((
                    attachments::id.eq(a.to_string()),
                    attachments::log_id.eq(w.log_id().to_string()),
                    attachments::file_name.eq(&s.file_name),
                    attachments::content_type.eq(&s.content_type),
                    attachments::content.eq(&s.content),
                    attachments::created_by.eq(w.actor_id().to_string()),
                    attachments::created_at.eq(to_micros(Utc::now())),
                ))
                .execute(conn)?;
            Some(a)
        }
        None => None,
    };
    let id = insert_consent(conn, ConsentAuthor::staff(w), c, attachment)?;
    write_record(conn, w, Action::Update, rid)?;
    Ok(id)
}

/// The consent row and its timeline event («Samtykke fra … for …»), which
/// raises the log's revision ([`entry`]); no access-log row.
pub(crate) fn insert_consent(
    conn: &mut DbConnection,
    by: ConsentAuthor,
    c: &NewConsent,
    attachment: Option<AttachmentId>,
) -> DbResult<ConsentId> {
    let id = ConsentId::new();
    let now = to_micros(Utc::now());
    let join = |v: Vec<String>| v.join(",");
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(id.to_string()),
            consents::log_id.eq(by.log.to_string()),
            consents::givers.eq(join(c.givers.iter().map(|g| g.code()).collect())),
            consents::unit_ids.eq(join(c.units.iter().map(|u| u.to_string()).collect())),
            consents::purposes.eq(join(
                c.purposes.iter().map(|p| p.code().to_owned()).collect(),
            )),
            consents::valid_from.eq(iso(c.valid_from)),
            consents::valid_to.eq(iso(c.valid_to)),
            consents::method.eq(c.method.code()),
            consents::note.eq(&c.note),
            consents::attachment_id.eq(attachment.map(|a| a.to_string())),
            consents::created_by.eq(by.user.map(|u| u.to_string())),
            consents::created_at.eq(now),
            consents::citizen_id.eq(by.citizen.map(|c| c.to_string())),
        ))
        .execute(conn)?;
    let givers = giver_names(conn, &c.givers)?;
    let unit_names: Vec<String> = units::table
        .filter(units::id.eq_any(c.units.iter().map(|u| u.to_string())))
        .order(units::name)
        .select(units::name)
        .load(conn)?;
    let mut data = serde_json::json!({
        "samtykke": id.to_string(),
        "givere": givers,
        "ungdom": c.givers.contains(&Giver::Youth),
        "enheter": unit_names,
        "fra": iso(c.valid_from),
        "til": iso(c.valid_to),
    });
    if by.citizen.is_some() {
        // Given in the portal: the timeline says «via ID-porten».
        data["id_porten"] = serde_json::Value::Bool(true);
    }
    let event = entry(
        conn,
        by.log,
        EntryKind::ConsentGiven,
        by.user,
        c.note.as_deref(),
        data,
    )?;
    by.sign(conn, event)?;
    Ok(id)
}

/// Withdraws a consent: access under it ends with the next request; the
/// consent stays in the history.
pub fn withdraw_consent(
    conn: &mut DbConnection,
    w: &LogWriter,
    id: ConsentId,
    reason: &str,
    rid: &str,
) -> DbResult<()> {
    if mark_withdrawn(conn, ConsentAuthor::staff(w), id, Some(reason), None)? {
        write_record(conn, w, Action::Update, rid)?;
    }
    Ok(())
}

/// Marks a consent of the author's log withdrawn and writes the timeline
/// event («Samtykke fra … trukket tilbake», which raises the log's
/// revision); no access-log row. With `giver`, only a consent that giver
/// gave is found. Already withdrawn (a second click) is `Ok(false)`;
/// unknown (or not the giver's) is [`DbError::NotFound`].
pub(crate) fn mark_withdrawn(
    conn: &mut DbConnection,
    by: ConsentAuthor,
    id: ConsentId,
    reason: Option<&str>,
    giver: Option<Giver>,
) -> DbResult<bool> {
    let found: Option<(String, String, Option<i64>)> = consents::table
        .filter(consents::id.eq(id.to_string()))
        .filter(consents::log_id.eq(by.log.to_string()))
        .select((consents::givers, consents::unit_ids, consents::withdrawn_at))
        .first(conn)
        .optional()?;
    let Some((givers, unit_ids, withdrawn)) = found else {
        return Err(DbError::NotFound);
    };
    let givers: Vec<Giver> = split(&givers).filter_map(Giver::from_code).collect();
    if giver.is_some_and(|g| !givers.contains(&g)) {
        return Err(DbError::NotFound);
    }
    if withdrawn.is_some() {
        return Ok(false);
    }
    let n = diesel::update(
        consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(Some(to_micros(Utc::now()))),
        consents::withdrawn_by.eq(by.user.map(|u| u.to_string())),
        consents::withdraw_reason.eq(reason),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    // The timeline names whose consent it was and which units lose access.
    let names = giver_names(conn, &givers)?;
    let mut units_n = Vec::new();
    for u in split(&unit_ids) {
        units_n.push(unit_name(conn, parse_id(u)?)?);
    }
    let mut data = serde_json::json!({
        "samtykke": id.to_string(),
        "givere": names,
        "ungdom": givers.contains(&Giver::Youth),
        "enheter": units_n,
    });
    if by.citizen.is_some() {
        data["id_porten"] = serde_json::Value::Bool(true);
    }
    let event = entry(
        conn,
        by.log,
        EntryKind::ConsentWithdrawn,
        by.user,
        reason,
        data,
    )?;
    by.sign(conn, event)?;
    Ok(true)
}

/// A consent scan, for download.
pub fn attachment(
    conn: &mut DbConnection,
    r: &LogReader,
    id: AttachmentId,
    rid: &str,
) -> DbResult<Scan> {
    let (file_name, content_type, content): (String, String, Vec<u8>) = attachments::table
        .filter(attachments::id.eq(id.to_string()))
        .filter(attachments::log_id.eq(r.log_id().to_string()))
        .select((
            attachments::file_name,
            attachments::content_type,
            attachments::content,
        ))
        .first(conn)?;
    log_record(conn, r, r, Action::Read, rid)?;
    Ok(Scan {
        file_name,
        content_type,
        content,
    })
}
