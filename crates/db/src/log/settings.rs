//! The municipality's log settings and its list of BBIS themes.

use super::*;

/// The municipality's log settings (the defaults until an administrator sets them).
pub fn settings(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<LogSettings> {
    let row: Option<(String, i32, String)> = log_settings::table
        .find(m.to_string())
        .select((
            log_settings::model,
            log_settings::decision_days,
            log_settings::consent_rule,
        ))
        .first(conn)
        .optional()?;
    let Some((model, days, rule)) = row else {
        return Ok(LogSettings::default());
    };
    Ok(LogSettings {
        model: EscalationModel::from_code(&model)
            .ok_or_else(|| DbError::Corrupt(format!("model {model}")))?,
        decision_days: u32::try_from(days).unwrap_or(14),
        consent_rule: ConsentRule::from_code(&rule)
            .ok_or_else(|| DbError::Corrupt(format!("rule {rule}")))?,
    })
}

pub fn set_settings(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    s: &LogSettings,
    request_id: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    diesel::delete(log_settings::table.find(&m)).execute(conn)?;
    diesel::insert_into(log_settings::table)
        .values((
            log_settings::municipality_id.eq(&m),
            log_settings::model.eq(s.model.code()),
            log_settings::decision_days.eq(i32::try_from(s.decision_days).unwrap_or(14)),
            log_settings::consent_rule.eq(s.consent_rule.code()),
        ))
        .execute(conn)?;
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        Scope {
            municipality_id: Some(cap.municipality_id()),
            unit_id: None,
        },
        request_id,
    )
}

/// The municipality's BBIS themes: the defaults, in its written standard,
/// until it has its own list.
pub fn bbis_themes(conn: &mut DbConnection, m: MunicipalityId) -> DbResult<Vec<Theme>> {
    let rows: Vec<(String, String, String, String)> = bbis_themes::table
        .filter(bbis_themes::municipality_id.eq(m.to_string()))
        .order(bbis_themes::position)
        .select((
            bbis_themes::side,
            bbis_themes::side_name,
            bbis_themes::code,
            bbis_themes::name,
        ))
        .load(conn)?;
    if rows.is_empty() {
        let standard = crate::admin::municipalities::written_standard(conn, m)?;
        return Ok(bbis::default_themes(standard));
    }
    Ok(rows
        .into_iter()
        .map(|(side, side_name, code, name)| Theme {
            side,
            side_name,
            code,
            name,
        })
        .collect())
}

/// Replaces the municipality's BBIS theme list.
pub fn set_bbis_themes(
    conn: &mut DbConnection,
    cap: &MunicipalityAdmin,
    themes: &[Theme],
    request_id: &str,
) -> DbResult<()> {
    let m = cap.municipality_id().to_string();
    diesel::delete(bbis_themes::table.filter(bbis_themes::municipality_id.eq(&m))).execute(conn)?;
    for (i, t) in themes.iter().enumerate() {
        diesel::insert_into(bbis_themes::table)
            .values((
                bbis_themes::municipality_id.eq(&m),
                bbis_themes::code.eq(&t.code),
                bbis_themes::side.eq(&t.side),
                bbis_themes::side_name.eq(&t.side_name),
                bbis_themes::name.eq(&t.name),
                bbis_themes::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
            ))
            .execute(conn)
            .map_err(DbError::from_insert)?;
    }
    record(
        conn,
        cap,
        ObjectType::Municipality,
        cap.municipality_id(),
        Action::Update,
        Scope {
            municipality_id: Some(cap.municipality_id()),
            unit_id: None,
        },
        request_id,
    )
}
