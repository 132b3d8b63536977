from celery import Celery

celery = Celery("shop", broker="memory://", backend="cache+memory://")
