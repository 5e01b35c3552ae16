"""Posting lists: the set view follows every change, and checking common tokens against it
gives what checking each candidate gives."""

from __future__ import annotations

import random

from search.postings import COMMON_POSTINGS, MAX_SET_VIEWS, Postings, accumulate


def test_the_set_view_follows_adds_and_discards() -> None:
    postings = Postings[int]()
    postings.start_bulk()
    postings.add_all(("ab", "bc"), 1)
    postings.add_all(("ab",), 2)
    postings.finish_bulk()
    assert postings.members("ab") == {1, 2} and postings.members("zz") == frozenset()
    postings.add("ab", 3)  # a live upsert replaces the tuple: the old set view is not used
    assert postings.members("ab") == {1, 2, 3}
    postings.discard("ab", 1)
    assert postings.members("ab") == {2, 3}
    postings.discard("bc", 1)
    assert postings.members("bc") == frozenset()


def test_common_tokens_checked_as_sets_score_as_checked_one_by_one() -> None:
    rng = random.Random(5)
    texts = {}
    postings = Postings[int]()
    postings.start_bulk()
    for eid in range(3000):
        # "ab" and "cd" are common (in far more entries than are walked), the rest rare
        tokens = {f"r{rng.randrange(400)}"}
        if rng.random() < 0.3:
            tokens.add("ab")
        if rng.random() < 0.2:
            tokens.add("cd")
        texts[eid] = tokens
        postings.add_all(tokens, eid)
    postings.finish_bulk()
    assert len(postings.get("ab")) > COMMON_POSTINGS
    weights = {"ab": 0.7, "cd": 1.1, **{f"r{n}": 2.0 + n / 1000 for n in range(0, 400, 3)}}
    # As if in an index of 30,000 entries: "ab" and "cd" are common but not ubiquitous.
    by_set = accumulate(postings, weights, 30_000)
    one_by_one = accumulate(postings, weights, 30_000, lambda eid, token: token in texts[eid])
    assert list(by_set.items()) == list(one_by_one.items())  # same entries, order and sums
    assert any(value > 2.7 for value in by_set.values())  # common tokens were added somewhere


def test_set_views_are_bounded() -> None:
    postings = Postings[int]()
    for number in range(MAX_SET_VIEWS + 10):
        postings.add(f"t{number}", number)
        assert postings.members(f"t{number}") == {number}
    assert postings.set_views() <= MAX_SET_VIEWS
    assert postings.members("t0") == {0}  # dropped views are remade


def test_idfs_of_many_tokens_are_each_tokens_idf_in_the_given_order() -> None:
    postings = Postings[int]()
    for eid, tokens in enumerate((("ab", "bc"), ("ab",), ("cd", "ab"))):
        postings.add_all(tokens, eid)
    asked = ["cd", "zz", "ab", "bc"]  # zz is nowhere: the rarest
    found = postings.idfs(asked, 3)
    assert list(found) == asked
    assert found == {token: postings.idf(token, 3) for token in asked}
