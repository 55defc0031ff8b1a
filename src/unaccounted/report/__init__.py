"""Report and export stage: records and results written back out for people and programs."""
