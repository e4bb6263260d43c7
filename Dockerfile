# Image for the web, worker and beat services of docker-compose.yml.
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Pango and a font for WeasyPrint, which draws the PDF reports.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# Exactly the pins of the lock for Python >= 3.12 (scripts/lock writes it), every file
# checked against its hash; then the project itself without resolving anything more.
COPY requirements/py312.txt ./requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/py312.txt
COPY pyproject.toml README.md ./
COPY portfolio ./portfolio
COPY projects ./projects
COPY donors ./donors
COPY regions ./regions
RUN pip install --no-cache-dir --no-deps .
COPY . .
RUN useradd --system --uid 1000 portfolio && mkdir -p /app/var && chown portfolio /app/var
USER portfolio
EXPOSE 8000
CMD ["gunicorn", "portfolio.wsgi:application", "--bind", "0.0.0.0:8000"]
