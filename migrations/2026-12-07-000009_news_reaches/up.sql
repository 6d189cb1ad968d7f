-- Whether a news item's audience takes in a reader: the one statement of the rule, used by the
-- feed (what a person sees) and by the urgent announcement (whom it is pushed to). A reader
-- without a role is someone signed out: they see only what is for everyone.
CREATE FUNCTION news_reaches(audience jsonb, role text, campus text, program text, groups text[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((audience->>'everyone')::boolean, false) OR (role IS NOT NULL
        AND (jsonb_array_length(audience->'roles') = 0 OR audience->'roles' ? role)
        AND (jsonb_array_length(audience->'campuses') = 0
             OR audience->'campuses' ? coalesce(campus, ''))
        AND (jsonb_array_length(audience->'programs') = 0
             OR audience->'programs' ? coalesce(program, ''))
        AND (jsonb_array_length(audience->'groups') = 0 OR audience->'groups' ?| groups))
$$;
