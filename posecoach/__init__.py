"""posecoach: a webcam coach for back-pain relief exercises."""

__version__ = "0.1.0"
