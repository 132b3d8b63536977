import os

DATABASE_URL = os.environ["JOBS_DATABASE_URL"]
