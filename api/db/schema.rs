//! Diesel's view of the tables in `migrations/`.

diesel::table! {
    campuses (code) {
        code -> Text,
        name -> Text,
        city -> Text,
    }
}

diesel::table! {
    programs (code) {
        code -> Text,
        name -> Text,
        campus_code -> Nullable<Text>,
    }
}

diesel::table! {
    course_groups (code) {
        code -> Text,
        name -> Text,
        program_code -> Nullable<Text>,
    }
}

diesel::table! {
    people (id) {
        id -> Uuid,
        number -> Text,
        role -> Text,
        family_name -> Text,
        given_name -> Text,
        birth_date -> Date,
        institutional_email -> Nullable<Text>,
        personal_email -> Nullable<Text>,
        mobile_phone -> Nullable<Text>,
        campus_code -> Nullable<Text>,
        program_code -> Nullable<Text>,
        enrolment -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        phone_verified_at -> Nullable<Timestamptz>,
        title -> Nullable<Text>,
        service -> Nullable<Text>,
        office -> Nullable<Text>,
        professional_phone -> Nullable<Text>,
        unlisted -> Bool,
        directory_name -> Text,
    }
}

diesel::table! {
    accounts (person_id) {
        person_id -> Uuid,
        identifier -> Text,
        password_hash -> Text,
        state -> Text,
        suspension_reason -> Nullable<Text>,
        suspension_note -> Nullable<Text>,
        state_changed_at -> Nullable<Timestamptz>,
        activated_at -> Timestamptz,
        password_changed_at -> Timestamptz,
        two_factor_secret -> Nullable<Bytea>,
        two_factor_enabled_at -> Nullable<Timestamptz>,
        two_factor_last_step -> Nullable<Int8>,
    }
}

diesel::table! {
    two_factor_recovery_codes (person_id, code_hash) {
        person_id -> Uuid,
        code_hash -> Text,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    permissions (person_id, permission) {
        person_id -> Uuid,
        permission -> Text,
    }
}

diesel::table! {
    security_events (id) {
        id -> Int8,
        person_id -> Nullable<Uuid>,
        kind -> Text,
        success -> Bool,
        at -> Timestamptz,
        ip -> Text,
        device -> Text,
        actor_id -> Nullable<Uuid>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        channel -> Text,
        recipient -> Text,
        subject -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        given_up_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    group_memberships (person_id, group_code) {
        person_id -> Uuid,
        group_code -> Text,
    }
}

diesel::table! {
    push_subscriptions (id) {
        id -> Int8,
        person_id -> Uuid,
        session_key -> Text,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        security_muted -> Bool,
        language -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    push_preferences (person_id) {
        person_id -> Uuid,
        disabled_categories -> Array<Text>,
        quiet_start -> Nullable<Time>,
        quiet_end -> Nullable<Time>,
    }
}

diesel::table! {
    push_outbox (id) {
        id -> Int8,
        subscription_id -> Int8,
        category -> Text,
        payload -> Text,
        topic -> Nullable<Text>,
        urgency -> Text,
        ttl -> Int4,
        created_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        given_up_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    courses (code) {
        code -> Text,
        title -> Text,
        colour -> Text,
    }
}

diesel::table! {
    timetable_events (id) {
        id -> Int8,
        uid -> Text,
        course_code -> Text,
        kind -> Text,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        rooms -> Array<Text>,
        campus_code -> Nullable<Text>,
        teachers -> Array<Text>,
        groups -> Array<Text>,
        status -> Text,
        source_fingerprint -> Nullable<Text>,
        last_change -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        revision -> Int4,
    }
}

diesel::table! {
    timetable_event_groups (group_code, starts_at, event_id) {
        group_code -> Text,
        starts_at -> Timestamptz,
        event_id -> Int8,
    }
}

diesel::table! {
    timetable_event_teachers (person_id, starts_at, event_id) {
        person_id -> Uuid,
        starts_at -> Timestamptz,
        event_id -> Int8,
    }
}

diesel::table! {
    timetable_changes (id) {
        id -> Int8,
        event_id -> Int8,
        at -> Timestamptz,
        changes -> Array<Text>,
        previous -> Nullable<Jsonb>,
        reason -> Nullable<Text>,
        actor_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    timetable_imports (group_code) {
        group_code -> Text,
        imported_at -> Timestamptz,
        file_fingerprint -> Text,
        events -> Int4,
    }
}

diesel::table! {
    timetable_pulls (group_code) {
        group_code -> Text,
        next_pull_at -> Timestamptz,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    news_items (id) {
        id -> Int8,
        title -> Text,
        body -> Text,
        link_url -> Nullable<Text>,
        image_url -> Nullable<Text>,
        audience -> Jsonb,
        publish_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        pinned -> Bool,
        urgent -> Bool,
        author_id -> Nullable<Uuid>,
        withdrawn_at -> Nullable<Timestamptz>,
        announced_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    news_reads (person_id, item_id) {
        person_id -> Uuid,
        item_id -> Int8,
        read_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_feeds (person_id) {
        person_id -> Uuid,
        generation -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(push_outbox -> push_subscriptions (subscription_id));
diesel::joinable!(accounts -> people (person_id));
diesel::joinable!(permissions -> people (person_id));
diesel::joinable!(people -> campuses (campus_code));
diesel::joinable!(people -> programs (program_code));
diesel::joinable!(group_memberships -> people (person_id));
diesel::joinable!(group_memberships -> course_groups (group_code));
diesel::joinable!(course_groups -> programs (program_code));
diesel::joinable!(programs -> campuses (campus_code));
diesel::table! {
    help_requests (id) {
        id -> Int8,
        category -> Text,
        queue -> Text,
        requester_id -> Nullable<Uuid>,
        subject -> Text,
        status -> Text,
        assignee_id -> Nullable<Uuid>,
        lang -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        resolved_at -> Nullable<Timestamptz>,
        staff_activity_at -> Nullable<Timestamptz>,
        requester_seen_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    help_contacts (request_id) {
        request_id -> Int8,
        number -> Text,
        family_name -> Text,
        given_name -> Text,
        birth_date -> Date,
        email -> Text,
        registrar -> Text,
        person_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    help_messages (id) {
        id -> Int8,
        request_id -> Int8,
        kind -> Text,
        author_id -> Nullable<Uuid>,
        body -> Nullable<Text>,
        status -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversations (id) {
        id -> Int8,
        kind -> Text,
        group_code -> Nullable<Text>,
        service -> Nullable<Text>,
        unique_key -> Text,
        created_at -> Timestamptz,
        last_message_id -> Nullable<Int8>,
        last_message_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    conversation_members (conversation_id, person_id) {
        conversation_id -> Int8,
        person_id -> Uuid,
        staff_side -> Bool,
        muted -> Bool,
        left_at -> Nullable<Timestamptz>,
        last_read_id -> Int8,
    }
}

diesel::table! {
    messages (id) {
        id -> Int8,
        conversation_id -> Int8,
        author_id -> Uuid,
        body -> Text,
        client_key -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    blocks (person_id, blocked_id) {
        person_id -> Uuid,
        blocked_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(timetable_events -> courses (course_code));
diesel::joinable!(timetable_event_groups -> timetable_events (event_id));
diesel::joinable!(timetable_event_teachers -> timetable_events (event_id));
diesel::joinable!(timetable_changes -> timetable_events (event_id));
diesel::joinable!(help_contacts -> help_requests (request_id));
diesel::joinable!(help_messages -> help_requests (request_id));
diesel::joinable!(conversation_members -> conversations (conversation_id));
diesel::joinable!(messages -> conversations (conversation_id));

diesel::allow_tables_to_appear_in_same_query!(
    campuses,
    programs,
    course_groups,
    people,
    group_memberships,
    accounts,
    two_factor_recovery_codes,
    permissions,
    security_events,
    outbox,
    push_subscriptions,
    push_preferences,
    push_outbox,
    courses,
    timetable_events,
    timetable_event_groups,
    timetable_event_teachers,
    timetable_changes,
    timetable_imports,
    timetable_pulls,
    calendar_feeds,
    news_items,
    news_reads,
    help_requests,
    help_contacts,
    help_messages,
    conversations,
    conversation_members,
    messages,
    blocks,
);

diesel::table! {
    cas_sign_ons (id) {
        id -> Int8,
        session_key -> Text,
        person_id -> Uuid,
        service_code -> Text,
        service_url -> Text,
        ticket -> Text,
        opened_at -> Timestamptz,
    }
}

diesel::table! {
    service_favourites (person_id, service_code) {
        person_id -> Uuid,
        service_code -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    registrations (person_id, academic_year) {
        person_id -> Uuid,
        academic_year -> Text,
        program -> Text,
        administrative -> Text,
        pedagogical -> Text,
        cvec -> Bool,
        missing_documents -> Array<Text>,
        opens_on -> Nullable<Date>,
        closes_on -> Nullable<Date>,
        certificate_code -> Nullable<Text>,
        opening_announced -> Bool,
        reminded_days -> Nullable<Int2>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    card_photos (person_id) {
        person_id -> Uuid,
        content_type -> Text,
        bytes -> Bytea,
        uploaded_at -> Timestamptz,
    }
}

diesel::joinable!(registrations -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(registrations, people);

diesel::table! {
    passkeys (id) {
        id -> Uuid,
        person_id -> Uuid,
        credential_id -> Bytea,
        credential -> Jsonb,
        name -> Text,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(passkeys -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(passkeys, people);
