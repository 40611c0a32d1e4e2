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
    }
}

diesel::table! {
    access_log_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
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

diesel::allow_tables_to_appear_in_same_query!(
    municipalities,
    units,
    unit_municipalities,
    users,
    memberships,
    sessions,
    login_failures,
    access_log,
    access_log_head,
    challenge_areas,
    offers,
    offer_documents,
    offer_areas,
    offer_risks,
    offer_next_steps,
    offer_versions,
    offer_proposals,
);
