"""What a concern is about, in one line: the summary every list and report shows.

Each door asks for it (the officer's intake, the public form); where a door has none (the
city's 311 system, an import without the column, the rows that predate the field), it is
the description's first sentence, cut at a word to fit. The data migration that filled
the existing rows does the same in SQL (`FIRST_SENTENCE_SQL`); a test holds the two to
the same answers.
"""

import re

SUMMARY_MAX = 120

# A sentence ends at . ! or ? followed by white space, or at a line break.
_END = re.compile(r"[.!?](?=\s)|\n")
_SPACES = re.compile(r"\s+")


def first_sentence(text: str, limit: int = SUMMARY_MAX) -> str:
    """The first sentence of `text`, white space collapsed, at most `limit` characters
    (cut at the last whole word, with an ellipsis, when longer)."""
    text = (text or "").strip()
    match = _END.search(text)
    sentence = text[: match.end()] if match else text
    sentence = _SPACES.sub(" ", sentence).strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


# The same rule in PostgreSQL, for filling existing rows in one statement. `%s`-free so
# that it can stand in a migration's RunSQL; `{column}` is the text column read.
FIRST_SENTENCE_SQL = r"""
CASE
  WHEN char_length(s.sentence) <= {limit} THEN s.sentence
  ELSE rtrim(
    CASE
      WHEN position(' ' IN left(s.sentence, {limit} - 1)) > 0
        THEN substring(left(s.sentence, {limit} - 1) FROM '^(.*) ')
      ELSE left(s.sentence, {limit} - 1)
    END, ' ,;:-') || '…'
END
"""

SENTENCE_SQL = r"""
btrim(regexp_replace(
  substring(btrim({column}, E' \t\r\n') FROM E'^(.*?(?:[.!?](?=\\s)|\\n|$))'),
  E'\\s+', ' ', 'g'
), ' ')
"""
