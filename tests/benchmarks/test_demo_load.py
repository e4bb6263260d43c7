"""demo_load: synthetic demo projects a newcomer can tell from the annex, with money; the annex stays as it is."""
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from benchmarks.synthetic import demo_projects, synthetic_projects
from finance.models import Budget, Transaction
from projects.models import Project

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_demo_projects_are_recognisable_published_and_have_money(annex):
    out = io.StringIO()
    call_command("demo_load", projects=25, stdout=out)

    demo = demo_projects()
    assert demo.count() == 25
    assert "25 demo projects" in out.getvalue()
    assert all(title.startswith("[Demo] ") for title in demo.values_list("title", flat=True))
    assert all(name.startswith("DEMO-") for name in demo.values_list("short_name", flat=True))
    assert all(slug.startswith("demo-") for slug in demo.values_list("slug", flat=True))
    assert not demo.filter(is_published=False).exists()
    assert not synthetic_projects().exists()  # not the benchmarks' projects
    with_money = demo.filter(budgets__isnull=False).distinct().count()
    assert with_money == 25
    assert Transaction.objects.filter(project__in=demo).count() > 25


def test_the_annex_stays_untouched_and_without_money(annex):
    before = list(Project.objects.order_by("slug").values())
    call_command("demo_load", projects=25, stdout=io.StringIO())

    real = Project.objects.exclude(pk__in=demo_projects())
    assert list(real.order_by("slug").values()) == before
    assert not any(title.startswith("[Demo]") for title in real.values_list("title", flat=True))
    assert not Budget.objects.filter(project__in=real).exists()
    assert not Transaction.objects.filter(project__in=real).exists()


def test_loading_again_does_not_duplicate(annex):
    call_command("demo_load", projects=20, stdout=io.StringIO())
    transactions = Transaction.objects.count()
    out = io.StringIO()
    call_command("demo_load", projects=20, stdout=out)

    assert demo_projects().count() == 20
    assert Transaction.objects.count() == transactions
    assert "0 added now" in out.getvalue()
    call_command("demo_load", projects=22, stdout=io.StringIO())  # a bigger demo tops it up
    assert demo_projects().count() == 22
    assert Project.objects.count() == 21 + 22


def test_scripts_run_takes_demo_and_refuses_other_arguments():
    script = (ROOT / "scripts" / "run").read_text()
    assert "PORTFOLIO_DEMO" in script and "demo_load" in script
    refused = subprocess.run(["bash", str(ROOT / "scripts" / "run"), "--nonsense"], check=False,
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2
    assert "--demo" in refused.stderr
