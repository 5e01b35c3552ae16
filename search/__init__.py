"""Pure search over catalogue documents: normalisation, codes, pinyin, synonyms, rerank."""
