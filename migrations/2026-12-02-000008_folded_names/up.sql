-- Names compared as people type them: lower case, accents off (as `text::fold` does in the
-- service), so that « helene » finds Hélène. IMMUTABLE, so that an index may use it.
CREATE FUNCTION folded(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT replace(replace(translate(lower(t),
        'àáâãäåāăąçćčďèéêëēĕėęěìíîïĩīĭįıñńňòóôõöøōŏőùúûüũūŭůűųýÿŷźżžšśşţťŕřľĺłğ',
        'aaaaaaaaacccdeeeeeeeeeiiiiiiiiinnnooooooooouuuuuuuuuuyyyzzzsssttrrlllg'),
        'œ', 'oe'), 'æ', 'ae')
$$;
