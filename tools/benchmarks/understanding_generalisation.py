"""How well the reader's scorers generalise to wordings they were not built from.

Leave-one-out over the examples of the phrase inventory: each example is classified by the
nearest-example `Scorer` and by the naive Bayes `Model`, both built from all the other examples
and every label's terms (never left out). Printed: top-1 accuracy of each over intents and
aspects, the share of item searches the model keeps as "none", and, at the reader's
MODEL_SURE, how many examples the model is that sure of and how many of those rightly; then how
many demo item names (never trained on) it takes that surely for an intent or aspect
(`python -m tools.benchmarks.understanding_generalisation`; the last line is one JSON object).
"""

from __future__ import annotations

import json

from catalogue.demo.data import read_demo
from handlers.citizen.understanding.inventory import DATA, inventory
from handlers.citizen.understanding.reading import MODEL_SURE
from handlers.citizen.understanding.scorer import NO_CLASS, Model, Scorer


def words() -> dict[str, list[str]]:
    """The terms per label: they train both scorers, and are never left out."""
    source = inventory()
    terms = {f"i:{n}": list(e.terms) for n, e in source.intents.items() if e.kind != DATA}
    return terms | {f"a:{n}": list(e.terms) for n, e in source.aspects.items()}


def labelled() -> dict[str, list[str]]:
    """The examples per label (intents by i:, aspects by a:, item searches by none)."""
    source = inventory()
    examples = {f"i:{n}": list(e.examples) for n, e in source.intents.items() if e.kind != DATA}
    examples |= {f"a:{n}": list(e.examples) for n, e in source.aspects.items()}
    examples[NO_CLASS] = list(source.searches)
    return examples


def leave_one_out() -> dict[str, float | int]:
    """Accuracy of each scorer on every example left out of its own training."""
    examples = labelled()
    terms = words()
    nearest = model = kept = sure = sure_right = phrases = searches = 0
    for label, texts in examples.items():
        for index, text in enumerate(texts):
            others = {k: v + terms.get(k, []) for k, v in examples.items() if k != label}
            others[label] = texts[:index] + texts[index + 1 :] + terms.get(label, [])
            guess, probability = Model(others).best(text)
            if label == NO_CLASS:
                searches += 1
                kept += guess == NO_CLASS
                continue
            phrases += 1
            model += guess == label
            if probability >= MODEL_SURE:
                sure += 1
                sure_right += guess == label
            others.pop(NO_CLASS)
            nearest += Scorer(others).best(text)[0] == label
    full = Model({k: v + terms.get(k, []) for k, v in examples.items()})
    names = [item.name for item in read_demo().items]
    taken = [n for n in names if (g := full.best(n))[0] != NO_CLASS and g[1] >= MODEL_SURE]
    return {
        "nearest": round(nearest / phrases, 3),
        "model": round(model / phrases, 3),
        "searches_kept": round(kept / max(searches, 1), 3),
        "sure_share": round(sure / phrases, 3),
        "sure_precision": round(sure_right / max(sure, 1), 3),
        "item_names_taken": len(taken),
        "item_names": len(names),
        "phrases": phrases,
        "searches": searches,
    }


if __name__ == "__main__":
    print(json.dumps(leave_one_out()))
