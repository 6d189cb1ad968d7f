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
    }
}

diesel::table! {
    group_memberships (person_id, group_code) {
        person_id -> Uuid,
        group_code -> Text,
    }
}

diesel::joinable!(people -> campuses (campus_code));
diesel::joinable!(people -> programs (program_code));
diesel::joinable!(group_memberships -> people (person_id));
diesel::joinable!(group_memberships -> course_groups (group_code));
diesel::joinable!(course_groups -> programs (program_code));
diesel::joinable!(programs -> campuses (campus_code));

diesel::allow_tables_to_appear_in_same_query!(
    campuses,
    programs,
    course_groups,
    people,
    group_memberships,
);
