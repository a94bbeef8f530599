"""merge's promise, over random copies: each copy's typed value ends on its own key result,
whatever order the copies' rows were sorted into, and nothing else changes."""

import copy
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from okrsheet.domain.alignment import kr_ids
from okrsheet.domain.merging import merge
from okrsheet.write.templates import starter


def _base(ids_typed):
    team = starter("sales-team", team="West", quarter="2027-Q1")
    ids = kr_ids(team)
    for kr in team.key_results:
        kr.id = ids[id(kr)] if ids_typed else None
        kr.unit = f"tag{ids[id(kr)]}"  # the key result's true identity, for the test only
    return team


def _edited(base, rng, values, retitle):
    """A copy whose owner typed ``values`` (unit tag -> week-5 value) and sorted its rows."""
    edited = copy.deepcopy(base)
    for objective in edited.objectives:
        rng.shuffle(objective.key_results)
        for kr in objective.key_results:
            if kr.unit in values:
                kr.check_ins[5] = values[kr.unit]
            if kr.unit == retitle:
                kr.title = "Something else entirely"
    return edited


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), ids_typed=st.booleans(), split=st.integers(1, 12))
def test_each_copys_values_land_on_their_own_key_results(seed, ids_typed, split):
    rng = random.Random(seed)
    base = _base(ids_typed)
    tags = [kr.unit for kr in base.key_results]
    rng.shuffle(tags)
    mine, theirs = tags[:split // 2], tags[split // 2:split]
    retitled = theirs[0] if ids_typed and theirs else None  # alice rewords what bob updates
    first = _edited(base, rng, {tag: 100.0 + n for n, tag in enumerate(mine)}, retitled)
    second = _edited(base, rng, {tag: 500.0 + n for n, tag in enumerate(theirs)}, None)
    merged = merge(base, [first, second], names=["alice.xlsx", "bob.xlsx"]).team_quarter
    by_tag = {kr.unit: kr for kr in merged.key_results}
    assert sorted(by_tag) == sorted(kr.unit for kr in base.key_results)
    for n, tag in enumerate(mine):
        assert by_tag[tag].check_ins.get(5) == 100.0 + n
    for n, tag in enumerate(theirs):
        assert by_tag[tag].check_ins.get(5) == 500.0 + n
    originals = {kr.unit: kr for kr in base.key_results}
    for tag, kr in by_tag.items():
        if tag not in mine + theirs:
            assert kr.check_ins == originals[tag].check_ins
        expected = "Something else entirely" if tag == retitled else originals[tag].title
        assert (kr.title, kr.target, kr.owner) == (expected, originals[tag].target,
                                                   originals[tag].owner)
