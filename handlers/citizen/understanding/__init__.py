"""The conversation layer: what a citizen's message is before anything is searched.

`read(text)` gives a `Reading` (intent, aspect, the rest of the words); the phrase inventory
it is built from is `phrases.json` in this package (data, not code)."""

from handlers.citizen.understanding.reading import ITEM, Reading, read

__all__ = ["ITEM", "Reading", "read"]
