# XAT web service: gunicorn serving the Django app; migrations run on start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 XAT_MODE=production PORT=8000
WORKDIR /app

COPY . .
RUN pip install --no-cache-dir -e . \
    && SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdefghij \
       python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app xat \
    && chown -R xat /app/staticfiles \
    && mkdir -p /var/lib/xat/uploads && chown xat /var/lib/xat/uploads

USER xat
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && XAT_BIND=0.0.0.0:${PORT} exec gunicorn -c xat/gunicorn_conf.py xat.wsgi:application"]
