"""Writers at the edge: annotated video, reports."""
