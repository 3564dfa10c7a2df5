"""Chinese full-text search for the zh site: every run of Chinese characters is indexed as
its overlapping two-character pieces (bigrams), and a query is cut the same way in the browser.

Sphinx's own Chinese search indexes Chinese only through the jieba segmenter, and with no
jieba installed it indexes no Chinese word at all (``客户流失`` found none of the pages that
hold it). A segmenter would also have to run in the browser to cut a query the way the index
was cut; bigrams need no dictionary, cut the same on both sides, and a page is found when it
holds every bigram of the query (the usual n-gram approach to CJK search, as in Lucene's
CJKAnalyzer). Latin words are indexed and stemmed in English, as Sphinx does for Chinese.
"""

from __future__ import annotations

import re

from sphinx.search.zh import SearchChinese

#: CJK ideographs (the unified block and extension A) and the compatibility block
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{CJK}]+")


def bigrams(text: str) -> list[str]:
    """The overlapping two-character pieces of every Chinese run (a lone character as itself)."""
    out = []
    for run in _RUNS.findall(text):
        out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return out


#: the same cut in the browser: Latin words as Sphinx splits them, Chinese runs into bigrams
JS_SPLITTER = r"""
function splitQuery(query) {
  const out = [];
  for (const term of query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)) {
    if (!term) continue;
    const parts = term.split(/([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/u);
    for (const part of parts) {
      if (!part) continue;
      if (/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/u.test(part)) {
        if (part.length === 1) out.push(part);
        for (let i = 0; i + 1 < part.length; i++) out.push(part.slice(i, i + 2));
      } else {
        out.push(part);
      }
    }
  }
  return out;
}
"""


class SearchChineseBigrams(SearchChinese):
    """Sphinx's Chinese search language with Chinese cut into bigrams instead of by jieba."""

    language_name = "English"  # the browser stems Latin words with the English stemmer
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:
        latin = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin)
        return bigrams(input) + latin

    def word_filter(self, stemmed_word: str) -> bool:
        return len(stemmed_word) > 1 or bool(_RUNS.fullmatch(stemmed_word))

    def stem(self, word: str) -> str:
        return word if _RUNS.fullmatch(word) else super().stem(word)


def setup(app):
    app.add_search_language(SearchChineseBigrams)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
