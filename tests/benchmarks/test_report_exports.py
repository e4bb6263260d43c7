"""benchmarks/run.py's report sets each export beside its COPY limit (issue 18): the tables it reads, summed,
and its own queries, with the ratios, its memory alone, and the XLSX against the CSV."""
from benchmarks.run import export_lines, markdown

ROWS = {
    "export_csv": {"p50_ms": 3000.0, "p95_ms": 3100.0, "baseline_p50_ms": 1000.0, "ratio": 3.0, "queries": 8,
                   "baseline_queries": 1, "peak_rss_mb": 120.0, "baseline_peak_rss_mb": 110.0},
    "export_xlsx": {"p50_ms": 4500.0, "p95_ms": 4600.0, "baseline_p50_ms": 3000.0, "ratio": 1.5, "queries": 8,
                    "baseline_queries": 8, "peak_rss_mb": 121.0, "baseline_peak_rss_mb": 120.0},
    "export_iati_xml": {"p50_ms": 16000.0, "p95_ms": 16000.0, "baseline_p50_ms": None, "ratio": None, "queries": 35,
                        "baseline_queries": None, "peak_rss_mb": 130.0},
}
RUN = {
    "copy_baseline": {"csv": {"tables_s": 1.5, "query_s": 2.0, "money_s": 1.2, "single_query_s": 4.0},
                      "xml": {"tables_s": 2.0, "query_s": 4.0, "single_query_s": 8.0}},
    "export_memory": {name: {"idle_mb": 96.0, "peak_mb": 110.0} for name in ROWS},
}


def test_each_export_stands_beside_the_copy_of_its_tables_and_of_its_own_queries():
    lines = export_lines(ROWS, RUN)
    table = {line.split(" | ")[0].strip("| "): line for line in lines if line.startswith("| export_")}
    assert "| export_csv | 3.00 | 1.5 | 2.0× | 2.0 | 1.5× | 96.0 → 110.0 |  |" == table["export_csv"]
    # The XLSX reads what the CSV reads: the same limit, and its time against the CSV's.
    assert table["export_xlsx"] == "| export_xlsx | 4.50 | 1.5 | 3.0× | 2.0 | 2.2× | 96.0 → 110.0 | 1.50× |"
    assert table["export_iati_xml"] == "| export_iati_xml | 16.00 | 2.0 | 8.0× | 4.0 | 4.0× | 96.0 → 110.0 |  |"


def test_without_a_copy_baseline_or_memory_runs_there_is_no_exports_table():
    assert export_lines(ROWS, {}) == []
    assert export_lines({"dashboard": {"p50_ms": 1.0}}, RUN) == []


def test_the_report_includes_the_exports_table():
    report = {"1000": ROWS, "_meta": {"machine": {
        "nproc": 2, "cpu": "x", "memory_gb": 1, "postgresql": "15", "python": "3", "django": "6", "date": "2026-11-28"},
        "runs": {"1000": {**RUN, "projects": 912, "generate_seconds": 1.0, "donor_filter": "X", "country_filter": "NP",
                          "repeat": 20, "export_repeat": 1}}}}
    assert "COPY of every table it reads s" in markdown(report)
