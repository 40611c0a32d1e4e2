//! The tables, as Diesel sees them. Kept by hand in step with both migration
//! folders; the test `migrations_are_in_step` and every query test check it.

diesel::table! {
    municipalities (id) {
        id -> Text,
        number -> Text,
        name -> Text,
        written_standard -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    units (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        active -> Bool,
        created_at -> BigInt,
        host_municipality_id -> Text,
        org_number -> Nullable<Text>,
        address_line -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        postal_place -> Nullable<Text>,
    }
}

diesel::table! {
    role_grants (id) {
        id -> Text,
        user_id -> Text,
        municipality_id -> Text,
        unit_id -> Nullable<Text>,
        role -> Text,
        granted_by -> Nullable<Text>,
        ground -> Text,
        granted_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        revoked_by -> Nullable<Text>,
        reviewed_at -> Nullable<BigInt>,
        reviewed_by -> Nullable<Text>,
    }
}

diesel::table! {
    unit_municipalities (unit_id, municipality_id) {
        unit_id -> Text,
        municipality_id -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        password_hash -> Text,
        home_municipality_id -> Nullable<Text>,
        is_system_admin -> Bool,
        disabled_at -> Nullable<BigInt>,
        created_at -> BigInt,
        phone -> Nullable<Text>,
        job_title -> Nullable<Text>,
    }
}

diesel::table! {
    memberships (id) {
        id -> Text,
        user_id -> Text,
        municipality_id -> Text,
        unit_id -> Nullable<Text>,
        role -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        provider -> Nullable<Text>,
        id_token_hint -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        account -> Text,
        address -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    access_log (seq) {
        seq -> BigInt,
        at -> BigInt,
        actor_id -> Nullable<Text>,
        ground -> Text,
        object_type -> Text,
        object_id -> Text,
        action -> Text,
        unit_id -> Nullable<Text>,
        municipality_id -> Nullable<Text>,
        request_id -> Text,
        prev_hash -> Text,
        hash -> Text,
        principal_kind -> Text,
        citizen_id -> Nullable<Text>,
        row_format -> Integer,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        state -> Text,
        created_at -> BigInt,
        due_at -> BigInt,
        attempts -> Integer,
        max_attempts -> Integer,
        lease_token -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    access_log_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
        keyed_from -> BigInt,
    }
}

diesel::table! {
    challenge_areas (municipality_id, code) {
        municipality_id -> Text,
        code -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    offers (id) {
        id -> Text,
        municipality_id -> Text,
        external_id -> Nullable<Text>,
        provider_unit_id -> Text,
        name -> Text,
        level -> Text,
        level_rank -> Integer,
        age_from -> Integer,
        age_to -> Integer,
        pregnant -> Bool,
        access -> Text,
        status -> Text,
        ladder_step -> Integer,
        valid_from -> Nullable<Text>,
        valid_to -> Nullable<Text>,
        version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    offer_documents (offer_id) {
        offer_id -> Text,
        fields_json -> Text,
        search_text -> Text,
    }
}

diesel::table! {
    offer_areas (offer_id, area_code) {
        offer_id -> Text,
        area_code -> Text,
    }
}

diesel::table! {
    offer_risks (offer_id, risk) {
        offer_id -> Text,
        risk -> Integer,
    }
}

diesel::table! {
    offer_next_steps (offer_id, next_offer_id) {
        offer_id -> Text,
        next_offer_id -> Text,
    }
}

diesel::table! {
    offer_versions (id) {
        id -> Text,
        offer_id -> Text,
        version -> Integer,
        at -> BigInt,
        actor_id -> Nullable<Text>,
        kind -> Text,
        fields_json -> Text,
    }
}

diesel::table! {
    offer_proposals (id) {
        id -> Text,
        offer_id -> Text,
        proposed_by -> Nullable<Text>,
        proposed_at -> BigInt,
        due_date -> Text,
        changes -> Text,
        fields_json -> Text,
        status -> Text,
        comment -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(unit_municipalities -> units (unit_id));
diesel::joinable!(offers -> units (provider_unit_id));
diesel::joinable!(offer_areas -> offers (offer_id));
diesel::joinable!(offer_documents -> offers (offer_id));
diesel::joinable!(offer_risks -> offers (offer_id));
diesel::joinable!(offer_versions -> offers (offer_id));
diesel::joinable!(offer_proposals -> offers (offer_id));
diesel::joinable!(unit_municipalities -> municipalities (municipality_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> units (unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(child_units -> children (child_id));
diesel::joinable!(guardians -> children (child_id));
diesel::joinable!(logs -> children (child_id));
diesel::joinable!(log_entries -> logs (log_id));
diesel::joinable!(consents -> logs (log_id));
diesel::joinable!(team_members -> logs (log_id));
diesel::joinable!(measures -> logs (log_id));
diesel::joinable!(evaluations -> measures (measure_id));
diesel::joinable!(break_glass -> logs (log_id));

diesel::allow_tables_to_appear_in_same_query!(
    municipalities,
    units,
    role_grants,
    unit_municipalities,
    users,
    memberships,
    sessions,
    login_failures,
    access_log,
    access_log_head,
    outbox,
    challenge_areas,
    offers,
    offer_documents,
    offer_areas,
    offer_risks,
    offer_next_steps,
    offer_versions,
    offer_proposals,
    log_settings,
    bbis_themes,
    children,
    child_units,
    guardians,
    logs,
    log_entries,
    consents,
    team_members,
    handovers,
    coordination_requests,
    measures,
    evaluations,
    break_glass,
    consultations,
    consultation_events,
    attachments,
    child_changes,
    meeting_templates,
    standing_teams,
    standing_team_members,
    meetings,
    meeting_participants,
    team_cases,
    meeting_decisions,
    meeting_ratings,
    outgoing_mail,
    citizens,
    citizen_sessions,
    oidc_logins,
    portal_texts,
    family_requests,
    districts,
    report_settings,
    reports,
    report_feedback,
    plans,
    plan_goals,
    plan_contributions,
);

diesel::table! {
    log_settings (municipality_id) {
        municipality_id -> Text,
        model -> Text,
        decision_days -> Integer,
        consent_rule -> Text,
    }
}

diesel::table! {
    bbis_themes (municipality_id, code) {
        municipality_id -> Text,
        code -> Text,
        side -> Text,
        side_name -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    children (id) {
        id -> Text,
        municipality_id -> Text,
        name -> Text,
        birth_date -> Text,
        unborn -> Bool,
        national_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    child_units (child_id, unit_id) {
        child_id -> Text,
        unit_id -> Text,
    }
}

diesel::table! {
    guardians (id) {
        id -> Text,
        child_id -> Text,
        name -> Text,
        relation -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        parental_responsibility -> Bool,
        created_at -> BigInt,
        ended_at -> Nullable<BigInt>,
        national_id -> Nullable<Text>,
    }
}

diesel::table! {
    child_changes (id) {
        id -> Text,
        child_id -> Text,
        changed_at -> BigInt,
        changed_by -> Nullable<Text>,
        field -> Text,
        subject_id -> Nullable<Text>,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
    }
}

diesel::table! {
    logs (id) {
        id -> Text,
        child_id -> Text,
        municipality_id -> Text,
        home_unit_id -> Text,
        status -> Text,
        level -> Integer,
        level_since -> Text,
        decision_due -> Nullable<Text>,
        lead_user_id -> Nullable<Text>,
        report_state -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        closed_at -> Nullable<BigInt>,
        revision -> BigInt,
        meeting_due -> Nullable<Text>,
    }
}

diesel::table! {
    log_entries (id) {
        id -> Text,
        log_id -> Text,
        at -> BigInt,
        kind -> Text,
        actor_id -> Nullable<Text>,
        summary -> Text,
        body -> Nullable<Text>,
        data -> Nullable<Text>,
        family_hidden -> Nullable<Text>,
        citizen_id -> Nullable<Text>,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        log_id -> Text,
        givers -> Text,
        unit_ids -> Text,
        purposes -> Text,
        valid_from -> Text,
        valid_to -> Text,
        method -> Text,
        note -> Nullable<Text>,
        attachment_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        withdrawn_at -> Nullable<BigInt>,
        withdrawn_by -> Nullable<Text>,
        withdraw_reason -> Nullable<Text>,
        citizen_id -> Nullable<Text>,
    }
}

diesel::table! {
    team_members (id) {
        id -> Text,
        log_id -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        unit_id -> Nullable<Text>,
        guardian_id -> Nullable<Text>,
        name -> Text,
        team_role -> Text,
        added_at -> BigInt,
        removed_at -> Nullable<BigInt>,
        role_code -> Nullable<Text>,
    }
}

diesel::table! {
    handovers (id) {
        id -> Text,
        log_id -> Text,
        from_user_id -> Nullable<Text>,
        to_member_id -> Text,
        to_user_id -> Text,
        to_unit_id -> Text,
        checklist -> Text,
        status -> Text,
        proposed_at -> BigInt,
        decided_at -> Nullable<BigInt>,
        decision_note -> Nullable<Text>,
        from_unit_id -> Nullable<Text>,
    }
}

diesel::table! {
    coordination_requests (id) {
        id -> Text,
        log_id -> Text,
        municipality_id -> Text,
        reason -> Text,
        requested_by -> Nullable<Text>,
        requested_at -> BigInt,
        resolved_by -> Nullable<Text>,
        resolved_at -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
        answer_read_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    measures (id) {
        id -> Text,
        log_id -> Text,
        offer_id -> Nullable<Text>,
        name -> Text,
        goal -> Text,
        responsible_member_id -> Text,
        start_on -> Text,
        evaluate_by -> Text,
        status -> Text,
        best_interest -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    evaluations (id) {
        id -> Text,
        measure_id -> Text,
        evaluated_on -> Text,
        effect -> Text,
        assessment -> Text,
        continuation -> Text,
        next_evaluation -> Nullable<Text>,
        best_interest -> Nullable<Text>,
        evaluated_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    break_glass (id) {
        id -> Text,
        log_id -> Text,
        user_id -> Text,
        reason -> Text,
        opened_at -> BigInt,
        expires_at -> BigInt,
        review_unit_id -> Text,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<BigInt>,
        review_note -> Nullable<Text>,
    }
}

diesel::table! {
    consultations (id) {
        id -> Text,
        municipality_id -> Text,
        unit_id -> Text,
        age_band -> Text,
        summary -> Text,
        advice -> Text,
        advisers -> Text,
        held_on -> Text,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        log_id -> Nullable<Text>,
        converted_at -> Nullable<BigInt>,
        withdrawn_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    consultation_events (id) {
        id -> Text,
        consultation_id -> Text,
        at -> BigInt,
        actor_id -> Nullable<Text>,
        action -> Text,
        log_id -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        log_id -> Text,
        file_name -> Text,
        content_type -> Text,
        content -> Binary,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

// Meetings and standing teams (migration 000014).
diesel::table! {
    meeting_templates (municipality_id, kind) {
        municipality_id -> Text,
        kind -> Text,
        purpose -> Text,
        agenda -> Text,
        minutes_guide -> Text,
        voice_days_before -> Integer,
        updated_at -> BigInt,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    standing_teams (id) {
        id -> Text,
        municipality_id -> Text,
        kind -> Text,
        name -> Text,
        unit_id -> Nullable<Text>,
        age_band -> Nullable<Text>,
        leader_user_id -> Nullable<Text>,
        min_autumn -> Integer,
        min_spring -> Integer,
        weekday -> Nullable<Integer>,
        min_minutes -> Integer,
        agenda -> Text,
        active -> Bool,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    standing_team_members (id) {
        id -> Text,
        team_id -> Text,
        unit_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        on_demand -> Bool,
        added_at -> BigInt,
        removed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        municipality_id -> Text,
        log_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        kind -> Text,
        status -> Text,
        purpose -> Text,
        agenda -> Text,
        starts_at -> BigInt,
        ends_at -> BigInt,
        place -> Nullable<Text>,
        video_link -> Nullable<Text>,
        invite_guardians -> Bool,
        invite_child -> Bool,
        attendance_required -> Bool,
        sequence -> Integer,
        voice_due -> Nullable<Text>,
        voice_done_at -> Nullable<BigInt>,
        called_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        cancelled_at -> Nullable<BigInt>,
        cancel_reason -> Nullable<Text>,
        minutes_status -> Text,
        minutes_voice -> Nullable<Text>,
        minutes_discussed -> Nullable<Text>,
        minutes_next -> Nullable<Text>,
        minutes_written_by -> Nullable<Text>,
        minutes_updated_at -> Nullable<BigInt>,
        minutes_approved_by -> Nullable<Text>,
        minutes_approved_at -> Nullable<BigInt>,
        minutes_next_on -> Nullable<Text>,
    }
}

diesel::table! {
    meeting_participants (id) {
        id -> Text,
        meeting_id -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        unit_id -> Nullable<Text>,
        guardian_id -> Nullable<Text>,
        name -> Text,
        response -> Text,
        response_note -> Nullable<Text>,
        answered_at -> Nullable<BigInt>,
        must_answer -> Bool,
        attended -> Nullable<Bool>,
        added_at -> BigInt,
        removed_at -> Nullable<BigInt>,
        called_in -> Bool,
    }
}

diesel::table! {
    team_cases (id) {
        id -> Text,
        team_id -> Text,
        meeting_id -> Nullable<Text>,
        log_id -> Nullable<Text>,
        anonymous -> Bool,
        age_band -> Nullable<Text>,
        summary -> Text,
        brought_by -> Text,
        guardians_present -> Bool,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        withdrawn_at -> Nullable<BigInt>,
        minutes_note -> Nullable<Text>,
        withdrawn_by -> Nullable<Text>,
        withdraw_reason -> Nullable<Text>,
    }
}

diesel::table! {
    meeting_decisions (id) {
        id -> Text,
        meeting_id -> Text,
        team_case_id -> Nullable<Text>,
        position -> Integer,
        text -> Text,
        responsible_user_id -> Nullable<Text>,
        deadline -> Text,
        done_at -> Nullable<BigInt>,
        done_by -> Nullable<Text>,
        done_note -> Nullable<Text>,
        measure_id -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    meeting_ratings (id) {
        id -> Text,
        meeting_id -> Text,
        rater -> Text,
        guardian_id -> Nullable<Text>,
        score -> Integer,
        comment -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        citizen_id -> Nullable<Text>,
        recorded_at -> BigInt,
    }
}

diesel::table! {
    outgoing_mail (id) {
        id -> Text,
        job_id -> Nullable<Text>,
        kind -> Text,
        meeting_id -> Nullable<Text>,
        decision_id -> Nullable<Text>,
        recipient_user_id -> Nullable<Text>,
        recipient_guardian_id -> Nullable<Text>,
        sequence -> Integer,
        state -> Text,
        reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(standing_team_members -> standing_teams (team_id));
diesel::joinable!(meeting_participants -> meetings (meeting_id));
diesel::joinable!(meeting_decisions -> meetings (meeting_id));
diesel::joinable!(meeting_ratings -> meetings (meeting_id));
diesel::joinable!(team_cases -> standing_teams (team_id));

diesel::table! {
    citizens (id) {
        id -> Text,
        national_id -> Text,
        language -> Nullable<Text>,
        created_at -> BigInt,
        last_login_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    citizen_sessions (token_hash) {
        token_hash -> Text,
        citizen_id -> Text,
        csrf_token -> Text,
        acr -> Text,
        provider -> Text,
        id_token_hint -> Nullable<Text>,
        created_at -> BigInt,
        last_seen_at -> BigInt,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        provider -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next_path -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    portal_texts (municipality_id, language) {
        municipality_id -> Text,
        language -> Text,
        language_name -> Text,
        consent_info -> Text,
        portal_info -> Text,
        updated_at -> BigInt,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    family_requests (id) {
        id -> Text,
        log_id -> Text,
        citizen_id -> Text,
        kind -> Text,
        team_id -> Nullable<Text>,
        message -> Text,
        created_at -> BigInt,
        answered_at -> Nullable<BigInt>,
        answered_by -> Nullable<Text>,
        answer -> Nullable<Text>,
    }
}

diesel::joinable!(citizen_sessions -> citizens (citizen_id));
diesel::joinable!(family_requests -> logs (log_id));

// Reports of concern and individual plans (migration 000020).
diesel::table! {
    districts (municipality_id, number) {
        municipality_id -> Text,
        number -> Text,
        name -> Text,
    }
}

diesel::table! {
    report_settings (municipality_id) {
        municipality_id -> Text,
        cosign -> Text,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        municipality_id -> Text,
        log_id -> Nullable<Text>,
        reporter_id -> Text,
        reporter_unit_id -> Text,
        status -> Text,
        draft -> Text,
        message -> Nullable<Text>,
        child_welfare_unit_id -> Nullable<Text>,
        guardians_told -> Bool,
        not_told_reason -> Nullable<Text>,
        cosigned_by -> Nullable<Text>,
        cosigned_at -> Nullable<BigInt>,
        sent_at -> Nullable<BigInt>,
        delivery_channel -> Nullable<Text>,
        delivered_at -> Nullable<BigInt>,
        received_by -> Nullable<Text>,
        received_at -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        outcome_by -> Nullable<Text>,
        outcome_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    report_feedback (id) {
        id -> Text,
        report_id -> Text,
        kind -> Text,
        recorded_by -> Text,
        recorded_at -> BigInt,
        seen_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        log_id -> Text,
        municipality_id -> Text,
        status -> Text,
        requested_by -> Nullable<Text>,
        requested_by_citizen -> Nullable<Text>,
        requested_at -> BigInt,
        request_note -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
        decision_note -> Nullable<Text>,
        coordinator_id -> Nullable<Text>,
        coordinator_kind -> Nullable<Text>,
        coordinator_unit_id -> Nullable<Text>,
        closed_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    plan_goals (id) {
        id -> Text,
        plan_id -> Text,
        position -> Integer,
        words -> Text,
        said_by -> Text,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        reached_at -> Nullable<BigInt>,
        ended_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    plan_contributions (id) {
        id -> Text,
        plan_id -> Text,
        goal_id -> Text,
        unit_id -> Text,
        measure_id -> Nullable<Text>,
        what -> Text,
        responsible_id -> Text,
        evaluate_on -> Text,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        ended_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(report_feedback -> reports (report_id));
diesel::joinable!(reports -> logs (log_id));
diesel::joinable!(plans -> logs (log_id));
diesel::joinable!(plan_goals -> plans (plan_id));
diesel::joinable!(plan_contributions -> plans (plan_id));
