"""The patterns the request models check strings with (and the OpenAPI document states), kept
apart so that request and response models can share them."""

# What Python's str.strip() removes (str.isspace()), spelled out so that a pattern means the same
# to pydantic (Rust regex), to Python and to JavaScript: "blank" is what core calls blank.
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
CONTROL = r"\x00-\x1f\x7f"
# A text: not blank, no NUL (PostgreSQL cannot store it); line breaks and tabs are text.
TEXT_PATTERN = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
# A label: not blank, no control character at all.
LABEL_PATTERN = rf"^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"
# The Hugging Face protocol's comma-separated labels: a label somewhere between the commas.
LABEL_LIST_PATTERN = rf"^[^{CONTROL}]*[^{CONTROL}{SPACE},][^{CONTROL}]*$"
# Exactly one {} and no other brace: a template is spliced, never str.format()ted.
TEMPLATE_PATTERN = rf"^[^{{}}{CONTROL}]*\{{\}}[^{{}}{CONTROL}]*$"
# What no name may hold, besides control characters: "/" (a route's {name} never matches it),
# U+FFFD (what invalid UTF-8 in a URL decodes to: two different byte strings would be one name)
# and the invisible format characters (a look-alike of another name: "a\u200bb" beside "ab").
NOT_IN_NAMES = r"/\ufffd\u200b-\u200f\u2060-\u2064\ufeff"
_IN_NAME = rf"[^{NOT_IN_NAMES}{CONTROL}]"
_AT_EDGE = rf"[^{NOT_IN_NAMES}{CONTROL}{SPACE}]"
_NOT_DOT = rf"[^.{NOT_IN_NAMES}{CONTROL}{SPACE}]"
# A saved set's name as a path segment: none of the above, no space at either end, and never
# "." or ".." (clients remove those segments from a URL: the set could not be reached). Written
# without lookarounds, which the regex engine of pydantic-core lacks.
NAME_PATTERN = (
    rf"^(?:{_NOT_DOT}|{_NOT_DOT}{_AT_EDGE}|\.{_NOT_DOT}|{_AT_EDGE}{_IN_NAME}+{_AT_EDGE})$"
)
# Notes are free text over several lines.
NOTES_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
