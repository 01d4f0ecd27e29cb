"""Celery jobs of the dashboards."""

from celery import shared_task


@shared_task(ignore_result=True)
def warm_run_pages(run_id):
    from dashboards.warming import warm_run

    return warm_run(run_id)
