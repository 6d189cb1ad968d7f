DROP FUNCTION folded(text);
