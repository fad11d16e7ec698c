"""Reads the French reference documents as received (text exported from PDF) into paragraphs.

Used by the test that proves the shipped plan data matches the originals. It is independent of the
shipped data on purpose: it parses the raw text, so a typo in the data cannot hide behind itself.
"""

import re
from pathlib import Path

SECTION = re.compile(r"^(I|II|III|IV|V)\.\s+(\S.*)$")
NUMBERED = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")


def _lines(path: Path) -> list[str]:
    return [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]


def _blocks(lines: list[str]) -> list[str]:
    """Joins wrapped lines into blocks; a page break inside a sentence (next line in lower case) joins too."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(current)
                current = []
            continue
        if not current and blocks and stripped[0].islower():
            current = blocks.pop()
        elif current and line[0].isspace() and stripped[0].isupper():
            # An indented capitalised line opens a new paragraph even without a blank line before it.
            blocks.append(current)
            current = []
        current.append(stripped)
    if current:
        blocks.append(current)
    return [" ".join(block) for block in blocks]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def bucharest_paragraphs(path: Path) -> dict[str, tuple[str, str]]:
    """Paragraph number -> (section number, French text with sub-paragraphs separated by blank lines)."""
    paragraphs: dict[str, tuple[str, list[str]]] = {}
    section = None
    number = None
    for block in _blocks(_lines(path)):
        if match := SECTION.match(block):
            section, number = match.group(1), None
            continue
        if match := NUMBERED.match(block):
            number = match.group(1)
            paragraphs[number] = (section, [match.group(2)])
        elif number is not None:
            paragraphs[number][1].append(block)
    return {n: (s, "\n\n".join(parts)) for n, (s, parts) in paragraphs.items()}


def decision_paragraphs(path: Path) -> dict[str, str]:
    """Preambular p1-p5 and operative 1-2 of Decision 3/04, in the order of the text."""
    blocks = _blocks(_lines(path))
    start = next(i for i, b in enumerate(blocks) if b.startswith("Le Conseil ministériel"))
    body = blocks[start + 1 :]
    paragraphs: list[list[str]] = []
    for block in body:
        if block.startswith(("–", "-")) and paragraphs:
            paragraphs[-1].append(block)
        else:
            paragraphs.append([block])
    texts = ["\n".join(parts) for parts in paragraphs]
    preamble, operative = texts[:-2], texts[-2:]
    numbered = {f"p{i}": text for i, text in enumerate(preamble, start=1)}
    numbered.update({str(i): text for i, text in enumerate(operative, start=1)})
    return numbered
