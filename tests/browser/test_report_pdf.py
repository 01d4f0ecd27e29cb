"""In a real browser: the steering-group report of the GMR data as Chromium's A4 landscape PDF.

Page by page: the charts print (as images), no table runs past the right edge of the page, the
IJktabel prints in column blocks that each repeat the municipality and end with the totals, and
the whole report stays within a bound of pages an alderman can read.
"""

import re
import zlib

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 landscape (297 × 210 mm) less the margins of static/css/print.css (10 mm left and right,
# 12 mm top, 14 mm bottom), at CSS's 96 px per inch.
MM = 96 / 25.4
CONTENT_WIDTH = round((297 - 2 * 10) * MM)  # 1047 px
CONTENT_HEIGHT = round((210 - 12 - 14) * MM)
MAX_PAGES = 12  # 10 for the GMR data of 2024; was 15, of which 13 were explanation sentences
GROUPS = 15
MUNICIPALITIES = 17


@pytest.fixture
def gmr_run(db):
    from allocation import services
    from allocation.models import AllocationRun, Scenario
    from municipalities.models import Region
    from tests import factories

    call_command("load_gmr_data", verbosity=0)
    call_command("load_default_scenario", verbosity=0)
    region = Region.objects.get(slug="gmr")
    leader = factories.member(role="project_leader", region=region, username="projectleider")
    factories.member(role="steering_group", region=region, username="stuurgroep")
    run = services.allocation_run_start(user=leader, scenario=Scenario.objects.get())
    run = AllocationRun.objects.get(pk=run.pk)
    services.allocation_run_approve(user=leader, run=run)
    return run


def pdf_pages(pdf: bytes) -> list[dict]:
    """Chromium's PDF page by page, in order: its media box (points) and how many text runs and
    images its content stream draws. Chromium writes plain objects with Flate-compressed streams."""
    objects = {
        int(number): body for number, body in re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)
    }
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Page(?![a-zA-Z])", body):
            continue
        box = [float(n) for n in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body).group(1).split()]
        contents = objects[int(re.search(rb"/Contents\s+(\d+) 0 R", body).group(1))]
        stream = contents.split(b"stream", 1)[1].strip(b"\r\n").rsplit(b"endstream", 1)[0]
        if b"/FlateDecode" in contents:
            stream = zlib.decompress(stream)
        pages.append(
            {
                "size": (box[2] - box[0], box[3] - box[1]),
                "texts": stream.count(b"Tj") + stream.count(b"TJ"),
                "images": len(re.findall(rb"/X\w*\s+Do", stream)),
            }
        )
    return pages


def test_the_report_prints_on_a4_landscape_with_charts_blocks_and_page_numbers(
    page, login, screenshot, gmr_run
):
    login(page, "stuurgroep")
    page.goto(f"/dashboard/rapport/?run={gmr_run.pk}")
    page.get_by_role("heading", name=re.compile("rapport voor de stuurgroep")).wait_for()
    charts = page.locator("[data-print-image]").count()
    assert charts >= 2
    page.wait_for_function(
        "n => [...document.querySelectorAll('img.chart__print')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length === n",
        arg=charts,
    )

    # Laid out as Chromium lays out a printed page: print media at the page's content width.
    page.set_viewport_size({"width": CONTENT_WIDTH, "height": CONTENT_HEIGHT})
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("table.ijktabel").is_hidden()  # the screen's 17-column table
    for image in page.locator("img.chart__print").all():
        assert image.is_visible()
        box = image.bounding_box()
        assert box["width"] > CONTENT_WIDTH / 2 and box["x"] + box["width"] <= CONTENT_WIDTH
    assert page.locator(".chart__plot[data-print-image]:visible").count() == 0

    screenshot(page, "report-print-layout")
    overflowing = page.evaluate(
        """width => [...document.querySelectorAll('table')]
            .filter(table => table.getClientRects().length)
            .map(table => [table.caption ? table.caption.innerText : '?',
                           Math.ceil(table.getBoundingClientRect().right)])
            .filter(([, right]) => right > width)""",
        CONTENT_WIDTH,
    )
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= CONTENT_WIDTH

    # The IJktabel in blocks: each repeats the municipality column and ends with the totals,
    # together every group once, and every block holds every municipality and the region.
    blocks = page.locator(".ijktabel-block table")
    assert blocks.count() == 2
    seen = []
    for block in blocks.all():
        headers = block.locator("thead th").all_inner_texts()
        assert headers[0] == "Gemeente" and headers[-1] == "Totaal"
        seen.extend(headers[1:-1])
        assert block.locator("tbody tr").count() == MUNICIPALITIES + 1
    assert len(seen) == len(set(seen)) == GROUPS

    # Explanations only for the highlighted cells: at least one per group, far fewer than 255.
    explained = page.locator("table.report-explanations tbody tr").count()
    highlighted = page.locator(".ijktabel-block td.highlight").count()
    assert GROUPS <= explained == highlighted < 40

    # Every page's margin boxes: the run's identity at the top, the page number at the bottom.
    margins = page.evaluate(
        """() => [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
            .filter(rule => rule instanceof CSSPageRule).map(rule => rule.cssText).join(' ')"""
    )
    assert f"berekening {gmr_run.pk}" in margins and "counter(pages)" in margins

    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    pages = pdf_pages(pdf)
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == len(pages)
    assert 2 <= len(pages) <= MAX_PAGES, len(pages)
    for number, sheet in enumerate(pages, start=1):
        width, height = sheet["size"]
        # A4 landscape: 297 × 210 mm is 841.9 × 595.3 points (Chromium rounds to its pixels).
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2, (number, width, height)
        assert sheet["texts"] > 0, f"page {number} is blank"
    # The charts: the first page shows the first chart under the headline, all of them print.
    assert pages[0]["images"] >= 1
    assert sum(sheet["images"] for sheet in pages) >= charts
