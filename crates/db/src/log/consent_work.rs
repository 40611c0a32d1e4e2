//! Consents: adding, withdrawing, and the scanned form.

use super::*;

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

pub fn add_consent(
    conn: &mut DbConnection,
    w: &LogWriter,
    c: &NewConsent,
    scan: Option<Scan>,
    rid: &str,
) -> DbResult<ConsentId> {
    let id = ConsentId::new();
    let now = to_micros(Utc::now());
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
                    attachments::created_at.eq(now),
                ))
                .execute(conn)?;
            Some(a.to_string())
        }
        None => None,
    };
    let join = |v: Vec<String>| v.join(",");
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(id.to_string()),
            consents::log_id.eq(w.log_id().to_string()),
            consents::givers.eq(join(c.givers.iter().map(|g| g.code()).collect())),
            consents::unit_ids.eq(join(c.units.iter().map(|u| u.to_string()).collect())),
            consents::purposes.eq(join(
                c.purposes.iter().map(|p| p.code().to_owned()).collect(),
            )),
            consents::valid_from.eq(iso(c.valid_from)),
            consents::valid_to.eq(iso(c.valid_to)),
            consents::method.eq(c.method.code()),
            consents::note.eq(&c.note),
            consents::attachment_id.eq(attachment),
            consents::created_by.eq(w.actor_id().to_string()),
            consents::created_at.eq(now),
        ))
        .execute(conn)?;
    let givers = giver_names(conn, &c.givers)?;
    let unit_names: Vec<String> = units::table
        .filter(units::id.eq_any(c.units.iter().map(|u| u.to_string())))
        .order(units::name)
        .select(units::name)
        .load(conn)?;
    entry(
        conn,
        w.log_id(),
        EntryKind::ConsentGiven,
        Some(w.actor_id()),
        c.note.as_deref(),
        serde_json::json!({
            "samtykke": id.to_string(),
            "givere": givers,
            "ungdom": c.givers.contains(&Giver::Youth),
            "enheter": unit_names,
            "fra": iso(c.valid_from),
            "til": iso(c.valid_to),
        }),
    )?;
    write_record(conn, w, Action::Update, rid)?;
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
    let n = diesel::update(
        consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::log_id.eq(w.log_id().to_string()))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(Some(to_micros(Utc::now()))),
        consents::withdrawn_by.eq(Some(w.actor_id().to_string())),
        consents::withdraw_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    if n == 0 {
        // Already withdrawn (a second click) is done; unknown is not found.
        let exists: i64 = consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::log_id.eq(w.log_id().to_string()))
            .count()
            .get_result(conn)?;
        return if exists > 0 {
            Ok(())
        } else {
            Err(DbError::NotFound)
        };
    }
    // The timeline names whose consent it was and which units lose access.
    let (givers, unit_ids): (String, String) = consents::table
        .find(id.to_string())
        .select((consents::givers, consents::unit_ids))
        .first(conn)?;
    let givers: Vec<Giver> = split(&givers).filter_map(Giver::from_code).collect();
    let names = giver_names(conn, &givers)?;
    let mut units_n = Vec::new();
    for u in split(&unit_ids) {
        units_n.push(unit_name(conn, parse_id(u)?)?);
    }
    entry(
        conn,
        w.log_id(),
        EntryKind::ConsentWithdrawn,
        Some(w.actor_id()),
        Some(reason),
        serde_json::json!({
            "samtykke": id.to_string(),
            "givere": names,
            "ungdom": givers.contains(&Giver::Youth),
            "enheter": units_n,
        }),
    )?;
    write_record(conn, w, Action::Update, rid)
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
