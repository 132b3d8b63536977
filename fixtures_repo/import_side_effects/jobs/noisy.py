for i in range(200_000):
    print(f"warming cache entry {i}")

READY = True
