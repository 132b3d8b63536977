"""A maintenance script, not part of the package (scripts/ is project furniture)."""

print("seeding")
