"""Annotators: each only draws on a frame (BGR numpy image) and returns it; none of them counts anything."""
