"""Raw-SQL baselines of the benchmark scenarios: the same data, one hand-written query each, encoded with orjson.

They answer what the product's views answer (published projects, the same filters,
the same order and page) with no ORM, serializer or template: the floor a view
could reach in this process and on this database. PostgreSQL only; mounted under
/__benchmark__/ only when PORTFOLIO_BENCHMARK=1.
"""
import csv
import datetime
from pathlib import Path

import orjson
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from benchmarks.middleware import LAST
from projects.models import FINALISATION_PERIOD, ActivityStatus

PAGE_SIZE = 50
ADMIN_PAGE_SIZE = 100
DASHBOARD_PAGE_SIZE = 20
TIMELINE_LIMIT = 200

STATUS_SQL = """CASE
    WHEN p.status_override IS NOT NULL THEN p.status_override
    WHEN coalesce(p.actual_start, p.planned_start) > %(today)s THEN 1
    WHEN coalesce(p.actual_end, p.planned_end) >= %(today)s THEN 2
    WHEN coalesce(p.actual_end, p.planned_end) >= %(finalisation)s THEN 3
    ELSE 4 END"""


_json_loads = orjson.loads


def _json(data) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), content_type="application/json")


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _where(request, today) -> tuple[str, dict]:
    """The filters the scenarios use, as the ProjectFilterSet applies them, over published projects."""
    clauses = ["p.is_published"]
    params = {"today": today, "finalisation": today - FINALISATION_PERIOD}
    if donor := request.GET.get("donor"):
        clauses.append(
            "EXISTS (SELECT 1 FROM projects_funding f JOIN donors_donor d ON d.id = f.donor_id"
            " WHERE f.project_id = p.id AND upper(d.acronym) = upper(%(donor)s))"
        )
        params["donor"] = donor
    if country := request.GET.get("country"):
        clauses.append(
            "EXISTS (SELECT 1 FROM projects_project_countries pc JOIN regions_country c ON c.id = pc.country_id"
            " WHERE pc.project_id = p.id AND c.code = %(country)s)"
        )
        params["country"] = country.upper()
    if active_on := request.GET.get("active_on"):
        clauses.append(
            "coalesce(p.actual_start, p.planned_start) <= %(active_on)s"
            " AND coalesce(p.actual_end, p.planned_end) >= %(active_on)s AND p.status_override IS NULL"
        )
        params["active_on"] = datetime.date.fromisoformat(active_on)
    for i, word in enumerate(request.GET.get("search", "").split()):
        clauses.append(
            f"(p.title ILIKE %(w{i})s OR p.short_name ILIKE %(w{i})s OR p.summary ILIKE %(w{i})s OR EXISTS"
            f" (SELECT 1 FROM projects_objective o WHERE o.project_id = p.id AND o.text ILIKE %(w{i})s))"
        )
        params[f"w{i}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return " AND ".join(clauses), params


def _page(request, default_size) -> tuple[int, int]:
    try:
        page, size = int(request.GET.get("page", 1)), int(request.GET.get("page_size", default_size))
    except ValueError:
        page, size = 1, default_size
    return max(page, 1), min(max(size, 1), 200)


PROJECT_SQL = f"""
SELECT p.id, p.slug, p.title, p.short_name, p.summary, {STATUS_SQL} AS status, p.scope, r.code, r.name,
    p.planned_start, p.planned_end, p.actual_start, p.actual_end,
    (SELECT coalesce(json_agg(json_build_object('code', c.code, 'name', c.name) ORDER BY c.name), '[]')
       FROM projects_project_countries pc JOIN regions_country c ON c.id = pc.country_id WHERE pc.project_id = p.id),
    (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name, 'acronym', d.acronym,
            'iati_ref', d.iati_ref, 'amount', f.amount::text, 'currency', f.currency) ORDER BY d.acronym), '[]')
       FROM projects_funding f JOIN donors_donor d ON d.id = f.donor_id WHERE f.project_id = p.id),
    (SELECT coalesce(json_agg(json_build_object('id', pa.id, 'name', pa.name, 'acronym', pa.acronym,
            'iati_ref', pa.iati_ref, 'role', pp.role) ORDER BY pp.role, pa.name), '[]')
       FROM projects_projectpartner pp JOIN donors_partner pa ON pa.id = pp.partner_id WHERE pp.project_id = p.id),
    (SELECT coalesce(json_agg(json_build_object('code', o.code || '-' || de.code, 'origin', o.name,
            'destination', de.name) ORDER BY o.name, de.name), '[]')
       FROM projects_project_corridors pco JOIN regions_corridor co ON co.id = pco.corridor_id
       JOIN regions_country o ON o.id = co.origin_id JOIN regions_country de ON de.id = co.destination_id
       WHERE pco.project_id = p.id),
    (SELECT coalesce(json_agg(ob.text ORDER BY ob."order"), '[]') FROM projects_objective ob WHERE ob.project_id = p.id)
FROM projects_project p LEFT JOIN regions_region r ON r.id = p.region_id
"""


def _project(row) -> dict:
    status = ActivityStatus(row[5])
    return {
        "id": row[0], "slug": row[1], "title": row[2], "short_name": row[3], "summary": row[4],
        "status": {"code": status.value, "label": str(status.label)}, "scope": row[6],
        "region": {"code": row[7], "name": row[8]} if row[7] else None,
        "planned_start": row[9], "planned_end": row[10], "actual_start": row[11], "actual_end": row[12],
        "countries": row[13], "donors": row[14], "partners": row[15], "corridors": row[16], "objectives": row[17],
        "links": {"self": f"/api/v1/projects/{row[0]}/", "dashboard": f"/projects/{row[1]}/",
                  "iati": f"/api/v1/projects/{row[0]}/iati.xml"},
    }


def project_list(request):
    """GET /api/v1/projects/ with the same filters and page: a count and one page query."""
    where, params = _where(request, timezone.localdate())
    page, size = _page(request, PAGE_SIZE)
    params.update(limit=size, offset=(page - 1) * size)
    count = _rows(f"SELECT count(*) FROM projects_project p WHERE {where}", params)[0][0]
    # The page's ids first: PostgreSQL would otherwise run the select list's subqueries for the skipped rows too.
    page = f"SELECT p.id FROM projects_project p WHERE {where} ORDER BY p.planned_start, p.id LIMIT %(limit)s OFFSET %(offset)s"
    rows = _rows(f"{PROJECT_SQL} WHERE p.id IN ({page}) ORDER BY p.planned_start, p.id", params)
    return _json({"count": count, "results": [_project(row) for row in rows]})


class _Echo:
    def write(self, value):
        return value


CSV_SQL = f"""
SELECT p.id, p.slug, p.title, p.short_name, {STATUS_SQL} AS status, p.scope, coalesce(r.code, 'global'),
    (SELECT string_agg(c.code, '; ' ORDER BY c.name) FROM projects_project_countries pc
       JOIN regions_country c ON c.id = pc.country_id WHERE pc.project_id = p.id),
    p.planned_start, p.planned_end, p.actual_start, p.actual_end,
    (SELECT string_agg(d.acronym, '; ' ORDER BY d.acronym) FROM projects_funding f
       JOIN donors_donor d ON d.id = f.donor_id WHERE f.project_id = p.id),
    (SELECT string_agg(coalesce(nullif(pa.acronym, ''), pa.name), '; ' ORDER BY pp.role, pa.name)
       FROM projects_projectpartner pp JOIN donors_partner pa ON pa.id = pp.partner_id WHERE pp.project_id = p.id),
    (SELECT string_agg(o.code || '-' || de.code, '; ' ORDER BY o.name, de.name) FROM projects_project_corridors pco
       JOIN regions_corridor co ON co.id = pco.corridor_id JOIN regions_country o ON o.id = co.origin_id
       JOIN regions_country de ON de.id = co.destination_id WHERE pco.project_id = p.id),
    (SELECT string_agg(ob.text, '; ' ORDER BY ob."order") FROM projects_objective ob WHERE ob.project_id = p.id)
FROM projects_project p LEFT JOIN regions_region r ON r.id = p.region_id
"""


def project_csv(request):
    """GET /api/v1/projects/?format=csv: every matching project, streamed from a server-side cursor."""
    where, params = _where(request, timezone.localdate())

    def lines():
        writer = csv.writer(_Echo())
        yield writer.writerow(["id", "slug", "title", "short_name", "status_code", "status", "scope", "region",
                               "countries", "planned_start", "planned_end", "actual_start", "actual_end",
                               "donors", "partners", "corridors", "objectives"])
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(f"{CSV_SQL} WHERE {where} ORDER BY p.planned_start, p.id", params)
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    status = ActivityStatus(row[4])
                    yield writer.writerow([*row[:4], status.value, str(status.label), *row[5:]])
        finally:
            cursor.close()

    return StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")


def _money(rows) -> dict:
    money: dict = {}
    for key, currency, amount in rows:
        money.setdefault(key, []).append({"currency": currency, "amount": f"{amount:.2f}"})
    return money


def stats(request):
    """GET /api/v1/stats/?group_by=donor|country: counts and funding per currency, in total and per group."""
    group_by = request.GET.get("group_by")
    where, params = _where(request, timezone.localdate())
    if group_by == "donor":
        join = "projects_funding g JOIN donors_donor k ON k.id = g.donor_id"
        key, label = "k.acronym", "k.name"
        money_join = "JOIN donors_donor k ON k.id = f.donor_id"
    elif group_by == "country":
        join = "projects_project_countries g JOIN regions_country k ON k.id = g.country_id"
        key, label = "k.code", "k.name"
        money_join = (
            "JOIN projects_project_countries pc ON pc.project_id = f.project_id"
            " JOIN regions_country k ON k.id = pc.country_id"
        )
    else:
        return HttpResponseBadRequest("group_by must be donor or country")
    total = _rows(f"SELECT count(*) FROM projects_project p WHERE {where}", params)[0][0]
    total_money = _money(_rows(
        f"SELECT NULL, f.currency, sum(f.amount) FROM projects_funding f JOIN projects_project p ON p.id = f.project_id"
        f" WHERE {where} AND f.amount IS NOT NULL GROUP BY f.currency ORDER BY f.currency", params,
    ))
    counts = _rows(
        f"SELECT {key}, {label}, count(*) FROM {join} JOIN projects_project p ON p.id = g.project_id"
        f" WHERE {where} GROUP BY {key}, {label} ORDER BY {key}", params,
    )
    money = _money(_rows(
        f"SELECT {key}, f.currency, sum(f.amount) FROM projects_funding f {money_join}"
        f" JOIN projects_project p ON p.id = f.project_id WHERE {where} AND f.amount IS NOT NULL"
        f" GROUP BY {key}, f.currency ORDER BY {key}, f.currency", params,
    ))
    return _json({
        "group_by": group_by,
        "total": {"projects": total, "funding": total_money.get(None, [])},
        "groups": [
            {"key": k, "label": name, "projects": n, "funding": money.get(k, [])} for k, name, n in counts
        ],
    })


def dashboard(request):
    """GET /: the dashboard's figures, charts, filter choices, timeline and first page, as JSON (no HTML)."""
    today = timezone.localdate()
    where, params = _where(request, today)
    ids = f"SELECT p.id FROM projects_project p WHERE {where}"
    dates = "coalesce(p.actual_start, p.planned_start) AS s, coalesce(p.actual_end, p.planned_end) AS e"
    figures = _rows(
        f"SELECT count(*), count(*) FILTER (WHERE p.status_override IS NULL"
        f" AND coalesce(p.actual_start, p.planned_start) <= %(today)s AND coalesce(p.actual_end, p.planned_end) >= %(today)s),"
        f" (SELECT count(DISTINCT country_id) FROM projects_project_countries WHERE project_id IN ({ids})),"
        f" (SELECT count(DISTINCT donor_id) FROM projects_funding WHERE project_id IN ({ids})),"
        f" (SELECT count(DISTINCT partner_id) FROM projects_projectpartner WHERE project_id IN ({ids}))"
        f" FROM projects_project p WHERE {where}", params,
    )[0]
    by_region = _rows(
        f"SELECT r.code, r.name, count(*) FROM projects_project p LEFT JOIN regions_region r ON r.id = p.region_id"
        f" WHERE {where} GROUP BY r.code, r.name ORDER BY count(*) DESC, r.name", params,
    )
    by_donor = _rows(
        f"SELECT d.acronym, d.name, count(DISTINCT f.project_id) FROM projects_funding f"
        f" JOIN donors_donor d ON d.id = f.donor_id WHERE f.project_id IN ({ids})"
        f" GROUP BY d.acronym, d.name ORDER BY 3 DESC, d.acronym", params,
    )
    per_year = _rows(
        f"WITH x AS (SELECT {dates} FROM projects_project p WHERE {where} AND p.status_override IS DISTINCT FROM 5)"
        " SELECT y, count(x.s) FROM generate_series((SELECT extract(year FROM min(s))::int FROM x),"
        " LEAST((SELECT extract(year FROM max(e))::int FROM x), (SELECT extract(year FROM min(s))::int FROM x) + 59)) y"
        " LEFT JOIN x ON x.s <= make_date(y, 12, 31) AND x.e >= make_date(y, 1, 1) GROUP BY y ORDER BY y", params,
    )
    timeline = _rows(
        f"SELECT p.id, p.short_name, {dates}, {STATUS_SQL} FROM projects_project p WHERE {where}"
        f" ORDER BY 3, p.id LIMIT {TIMELINE_LIMIT}", params,
    )
    page = _rows(f"{PROJECT_SQL} WHERE {where} ORDER BY p.planned_start, p.id LIMIT {DASHBOARD_PAGE_SIZE}", params)
    published = "SELECT id FROM projects_project WHERE is_published"
    choices = {
        name: _rows(sql, {})
        for name, sql in {
            "regions": "SELECT DISTINCT r.code, r.name FROM regions_region r JOIN projects_project p"
                       " ON p.region_id = r.id WHERE p.is_published ORDER BY r.name",
            "countries": f"SELECT c.code, c.name FROM regions_country c WHERE EXISTS (SELECT 1 FROM"
                         f" projects_project_countries pc WHERE pc.country_id = c.id AND pc.project_id IN ({published}))"
                         f" ORDER BY c.name",
            "donors": f"SELECT d.acronym, d.name FROM donors_donor d WHERE EXISTS (SELECT 1 FROM projects_funding f"
                      f" WHERE f.donor_id = d.id AND f.project_id IN ({published})) ORDER BY d.acronym",
            "partners": f"SELECT pa.id, pa.name FROM donors_partner pa WHERE EXISTS (SELECT 1 FROM"
                        f" projects_projectpartner pp WHERE pp.partner_id = pa.id AND pp.project_id IN ({published}))"
                        f" ORDER BY pa.name",
            "corridors": f"SELECT co.id FROM regions_corridor co WHERE EXISTS (SELECT 1 FROM projects_project_corridors"
                         f" pc WHERE pc.corridor_id = co.id AND pc.project_id IN ({published}))",
        }.items()
    }
    return _json({
        "figures": dict(zip(["projects", "active", "countries", "donors", "partners"], figures)),
        "by_region": by_region, "by_donor": by_donor, "per_year": per_year,
        "timeline": timeline, "page": [_project(row) for row in page], "choices": choices,
    })


def admin_changelist(request):
    """GET /admin/projects/project/: the counts and first page of the changelist's columns."""
    today = timezone.localdate()
    params = {"today": today, "finalisation": today - FINALISATION_PERIOD}
    count = _rows("SELECT count(*) FROM projects_project", {})[0][0]
    rows = _rows(
        f"SELECT p.id, p.short_name, r.name, p.scope, {STATUS_SQL}, p.planned_start, p.planned_end,"
        " (SELECT string_agg(d.acronym, ', ' ORDER BY d.acronym) FROM projects_funding f"
        "  JOIN donors_donor d ON d.id = f.donor_id WHERE f.project_id = p.id), p.is_published"
        " FROM projects_project p LEFT JOIN regions_region r ON r.id = p.region_id"
        f" ORDER BY p.planned_start, p.id LIMIT {ADMIN_PAGE_SIZE}", params,
    )
    return _json({"count": count, "results": rows})


def last_request(request):
    """The query count of the previous request (streamed responses count their whole body)."""
    return _json(dict(LAST))


def memory(request):
    """This worker's resident and peak memory in kB; ?reset=1 restarts the peak (Linux clear_refs)."""
    if request.GET.get("reset"):
        Path("/proc/self/clear_refs").write_text("5")
    status = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            status[name] = int(value.split()[0])
    return _json(status)
