"""The synthetic exerciser: scripted exercise motion with exact ground truth.

Two outputs share one scene (motion script + body model + camera):
- ``generate(...)`` -> (list[PoseFrame], Truth): landmark sequences in MediaPipe's 33-point layout, with optional
  noise, for fast checker tests;
- ``posecoach.synth.clip.write_clip(...)``: a rendered video through the avatar renderer, with its truth JSON.

Modules: body (kinematic model), timeline + motions (scripts per exercise id), camera, scene, landmarks,
truth, render (numpy sphere tracer), clip (video writer).
"""
from posecoach.synth.landmarks import LandmarkNoise, generate, landmark_frames, scene_truth
from posecoach.synth.motions import EXERCISES, MOTIONS, get_motion
from posecoach.synth.scene import Scene, SceneOptions, make_scene
from posecoach.synth.truth import Truth, truth_path

__all__ = ["EXERCISES", "MOTIONS", "LandmarkNoise", "Scene", "SceneOptions", "Truth", "generate", "get_motion",
           "landmark_frames", "make_scene", "scene_truth", "truth_path"]
