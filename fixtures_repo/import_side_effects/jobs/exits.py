import sys

if not sys.argv[0].endswith("worker"):
    sys.exit("jobs.exits must run inside the worker")
