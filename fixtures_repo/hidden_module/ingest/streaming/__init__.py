"""The streaming package re-exports its pipeline: importing the package imports the pipeline."""
from ingest.streaming.pipeline import EventPipeline

__all__ = ["EventPipeline"]
