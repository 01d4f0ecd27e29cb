"""The shared figure tags: language-aware numbers, rounding, and the estimate mark."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from gmr_thuis.templatetags.gmr import number, percentage


def test_numbers_use_the_dutch_thousands_separator():
    with translation.override("nl"):
        assert number(Decimal("15114.00")) == "15.114"


def test_numbers_use_the_english_thousands_separator():
    with translation.override("en"):
        assert number(15114) == "15,114"


def test_percentages_round_half_up_instead_of_cutting_digits():
    with translation.override("nl"):
        assert percentage(Decimal("4.2898"), 1) == "4,3%"
        assert percentage(Decimal("0.175"), 2) == "0,18%"


def test_missing_values_show_a_dash():
    assert number(None) == "–"
    assert percentage(None) == "–"


def test_figure_tag_marks_an_estimate_and_names_its_source():
    template = Template("{% load gmr %}{% figure value source is_estimate %}")
    with translation.override("nl"):
        html = template.render(Context({"value": 2200, "source": "CBS", "is_estimate": True}))

    assert 'title="Bron: CBS"' in html
    assert "2.200" in html
    assert 'class="estimate-mark" title="schatting"' in html


def test_figure_tag_leaves_a_measured_figure_unmarked():
    template = Template("{% load gmr %}{% figure value source is_estimate %}")
    html = template.render(Context({"value": 90, "source": "seed", "is_estimate": False}))

    assert "estimate-mark" not in html


def test_numbers_read_exactly_as_djangos_number_format_in_both_languages():
    from django.utils.formats import number_format

    from gmr_thuis.templatetags.gmr import rounded

    values = [0, 7, -7, 999, 1000, -1234567, 15114.0, 0.5, 2.5, -2.5, 1234.5678, -0.4, 0.004]
    values += [Decimal("1234567.891"), Decimal("-0.05"), "12345.5", 10**12 + 0.25]
    for language in ("nl", "en"):
        with translation.override(language):
            for value in values:
                for decimals in (0, 1, 2):
                    expected = number_format(
                        rounded(value, decimals), decimal_pos=decimals, force_grouping=True
                    )
                    assert number(value, decimals) == expected, (language, value, decimals)
