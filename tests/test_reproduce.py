import pytest

from nnbook.reproduce import book_results, format_markdown, reproduce


def test_registry_is_in_book_order_and_well_formed():
    results = book_results()
    keys = [(r.chapter, [int(p) for p in r.section.split(".")]) for r in results]
    assert keys == sorted(keys)
    for r in results:
        assert r.section.startswith(f"{r.chapter}.")
        assert r.book and r.what


def test_results_needing_no_data_agree_with_the_book():
    rows = reproduce([r for r in book_results() if not r.data])
    assert rows
    for row in rows:
        assert row.agrees, (row.result.what, row.result.book, row.ours)


@pytest.mark.data
@pytest.mark.slow
def test_results_needing_data_agree_with_the_book(need_data):
    for r in book_results():
        if r.data:
            need_data(*r.data)
            (row,) = reproduce([r])
            assert row.agrees, (r.what, r.book, row.ours)


def test_markdown_marks_disagreement():
    (row,) = reproduce(book_results(chapters=[2]))
    bad = type(row)(row.result, "[1, 1, 1, 1]", 0.0)
    assert "✗" in format_markdown([bad])
    assert "✓" in format_markdown([row])


def _random_result(values: dict[int, float]):
    from nnbook.reproduce import BookResult

    return BookResult(
        4, "4.5.3", "a trained accuracy", "0.9", seeded=values.__getitem__, at_least=True
    )


def test_random_result_shows_its_seed_and_its_spread():
    from nnbook.reproduce import TRAINING_SEED

    values = {0: 0.88, 1: 0.91, 2: 0.93, 3: 0.90}
    (row,) = reproduce([_random_result(values)], seeds=range(4))
    assert row.ours == f"{values[TRAINING_SEED]:.4f}"
    assert row.spread == values
    assert row.reached() == 3  # 0.91, 0.93 and 0.90 reach 0.9
    line = format_markdown([row]).splitlines()[2]
    assert f"(seed {TRAINING_SEED})" in line
    assert "seeds 0–3: `0.8800`–`0.9300`, mean `0.9050`; 3 of 4 reach the book" in line
    assert "`nnbook reproduce --chapter 4`" in line


def test_without_seeds_there_is_no_spread():
    (row,) = reproduce([_random_result({2: 0.95})])
    assert row.spread == {} and "seeds" not in format_markdown([row])


def test_a_result_needs_a_way_to_compute_it():
    from nnbook.reproduce import BookResult

    with pytest.raises(ValueError, match="give compute, or seeded"):
        BookResult(2, "2.5.2", "nothing", "0")
