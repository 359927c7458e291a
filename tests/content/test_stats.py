"""`leans content stats`: words, minutes, JP and bank balance per module, then the course."""

from __future__ import annotations

from click.testing import CliRunner

from leans.cli import main
from tests.fixtures.content import clean_tree, lesson_meta, module_meta, write_module

TABLE = """\
module                    words read  act test   est   JP JP min  diff  pre post obj ok min longest
01 satu                      14    2   58   30    90    2     90   +0%   12   12    1/1  12      0%
02 dua-modul-dengan-nam…  1,003    7   30    0    37  1.5   67.5  +82%    0    0    0/1   -       -

course: 2 modules, 3 lessons, 1,017 words
        estimate 127 minutes: reading 9, activities 88, tests 30
        declared 3.5 JP = 157.5 minutes at 45 per JP (+24% of the estimate)
        items: pre 12, post 12; objectives covered 1/2
        the key is the longest option in 0% of 12 single-choice items
"""


def two_modules(root):
    clean_tree(root)
    write_module(root, "02-dua", module_meta("dua-modul-dengan-nama-yang-panjang", 2, jp=1.5), {
        "01-a.md": (lesson_meta("a", 1, activity_minutes=20),
                    " ".join(["kata"] * 1000) + "\n\n::: refleksi R {menit=10}\nx\n:::\n")})
    return root


def test_stats_table_per_module_and_for_the_course(tmp_path):
    result = CliRunner().invoke(main, ["content", "stats", str(two_modules(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.output == TABLE
    assert max(len(line) for line in result.output.splitlines()) <= 100


def test_stats_as_csv(tmp_path):
    result = CliRunner().invoke(main, ["content", "stats", "--csv", str(two_modules(tmp_path))])
    assert result.output.splitlines() == [
        "order,module,lessons,words,reading_minutes,activity_minutes,test_minutes,"
        "estimated_minutes,jp,jp_minutes,difference_percent,items_pre,items_post,objectives,"
        "objectives_covered,min_items_per_objective_form,single_choice_items,longest_keys",
        "1,satu,2,14,2,58,30,90,2,90,0.0,12,12,1,1,12,12,0",
        "2,dua-modul-dengan-nama-yang-panjang,1,1003,7,30,0,37,1.5,67.5,82.4,0,0,1,0,,0,0",
    ]


def test_stats_use_the_jp_length_given(tmp_path):
    result = CliRunner().invoke(main, ["content", "stats", "--jp-minutes", "50",
                                       str(clean_tree(tmp_path))])
    assert "01 satu" in result.output and "    2    100  +11%" in result.output
    assert "declared 2 JP = 100 minutes at 50 per JP (+11% of the estimate)" in result.output


def test_stats_leave_out_broken_modules_and_say_so(tmp_path):
    clean_tree(tmp_path)
    write_module(tmp_path, "02-dua", {"slug": "dua"}, {})
    result = CliRunner().invoke(main, ["content", "stats", str(tmp_path)])
    assert result.exit_code == 0
    assert "01 satu" in result.output and "dua" not in result.stdout
    assert "problem(s) in" in result.output and "leans content check" in result.output


def test_the_shipped_course_meets_issue_16s_bar(app):
    """Every module within 25% of its JP, at least 24 items with disjoint pre/post pools, every
    objective covered in both forms, and the key the longest option in at most a third of the
    single-choice items; the table shows those shares as percentages."""
    from leans.content import get_catalogue
    from leans.content.stats import course_stats, stats_table

    catalogue = get_catalogue()
    rows = course_stats(catalogue, app.config["LEANS_JP_MINUTES"])
    assert len(rows) == len(catalogue.modules) >= 7
    for row, module in zip(rows, catalogue.modules, strict=True):
        assert abs(row.difference) <= 25, (row.slug, row.difference)
        assert row.items["pre"] + row.items["post"] >= 24, row.slug
        pools = {kind: {q.id for q in module.quiz.pool(kind)} for kind in ("pre", "post")}
        assert not pools["pre"] & pools["post"], row.slug
        assert row.objectives_covered == row.objectives and row.min_items >= 2, row.slug
        assert 0 < row.longest_share <= 1 / 3, (row.slug, row.longest_share)
        shown = next(line for line in stats_table(rows, 45).splitlines()
                     if line.startswith(f"{row.order:02d} "))
        assert shown.endswith(f"{row.longest_share * 100:.0f}%"), shown
