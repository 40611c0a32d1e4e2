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

diesel::joinable!(unit_municipalities -> units (unit_id));
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
);
