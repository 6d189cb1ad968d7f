DROP FUNCTION news_reaches(jsonb, text, text, text, text[]);
