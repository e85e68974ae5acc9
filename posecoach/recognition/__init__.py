"""Which exercise is being done: features of a few seconds of pose, a small classifier trained on synthetic
sequences only, and a streaming recogniser / segmenter of long recordings (see stream.py)."""
