"""What a spreadsheet would evaluate in a cell written as text, and how exports keep it text."""


def starts_like_formula(text: str) -> bool:
    """What a spreadsheet may take for a formula or a command (OWASP's CSV injection list): = + - @, and a tab or
    a carriage return in front of one."""
    return text.startswith(("=", "+", "-", "@", "\t", "\r"))


def needs_quote_prefix(value) -> bool:
    """Text a spreadsheet would evaluate once someone edits its cell. Such a cell is written as text with the
    quote-prefix style (what Excel and LibreOffice set for a value typed after an apostrophe): the value stays as
    it is, readable (+41 22 …), and stays text when edited."""
    return isinstance(value, str) and starts_like_formula(value)
