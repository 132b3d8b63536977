"""Event ingestion."""
