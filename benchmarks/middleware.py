"""Benchmark-only middleware: counts the database queries of each request.

Enabled only when PORTFOLIO_BENCHMARK=1 (see portfolio/settings.py). The count
goes into an `X-Query-Count` header; a streamed response sends its headers before
its body runs its queries, so its final count is kept for /__benchmark__/last/.
"""
from django.db import connection

LAST = {"queries": None}


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = [0]

        def count(execute, sql, params, many, context):
            counter[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        if response.streaming:
            response.streaming_content = self._counted(response.streaming_content, counter, count)
            response["X-Query-Count"] = "streamed"
        else:
            response["X-Query-Count"] = str(counter[0])
            LAST["queries"] = counter[0]
        return response

    @staticmethod
    def _counted(content, counter, count):
        with connection.execute_wrapper(count):
            yield from content
        LAST["queries"] = counter[0]
