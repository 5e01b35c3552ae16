"""Pure search over catalogue documents: normalisation, codes, pinyin, synonyms, rerank."""

from search.document import Document, Hit
from search.index import SearchIndex
from search.normalise import normalise
from search.synonyms import SynonymTable

__all__ = ["Document", "Hit", "SearchIndex", "SynonymTable", "normalise"]
