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
