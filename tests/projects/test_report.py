"""The steering-group report's chapters of the pipeline and the older people's task."""

from django.template import Context, Template
from django.test import RequestFactory

from projects import services
from tests import factories

CHAPTERS = Template("{% load gmr %}{% report_chapters %}")


def render_for(user):
    request = RequestFactory().get("/dashboard/rapport/")
    request.user = user
    return CHAPTERS.render(Context({"request": request}))


def test_the_report_gets_a_pipeline_and_an_older_people_chapter(owner, westervoort, project):
    factories.FigureFactory(
        municipality=westervoort, year=2024, indicator="inhabitants", value=15114
    )
    factories.FigureFactory(municipality=westervoort, year=2024, indicator="share_75_plus", value=8)
    services.project_update(
        user=owner, project=project, version=1, values={"expected_delivery_year": 2028}
    )

    html = render_for(owner)

    assert 'id="report-pipeline"' in html
    assert "1 project met een later gezet opleverjaar." in html
    assert 'id="report-older-people"' in html
    # Westervoort's clustered gap: 35.39 minus the 20 clustered homes in plan (× 0.5) = 25.
    assert '<td class="num">25</td>' in html


def test_no_chapters_for_a_user_outside_every_region(stranger):
    assert render_for(stranger) == ""


def test_a_project_change_makes_its_regions_cached_pages_stale(
    owner, westervoort, project, django_capture_on_commit_callbacks
):
    from gmr_thuis import pagecache

    before = pagecache.generation(westervoort.region_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_update(
            user=owner, project=project, version=1, values={"expected_delivery_year": 2028}
        )
    # The report's pipeline chapter is cached with the whole report page.
    assert pagecache.generation(westervoort.region_id) > before
