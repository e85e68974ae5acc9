"""A frame's body pose: MediaPipe's 33-point layout as plain numpy arrays.

This is the base layer. It imports numpy only, so the exercise checkers, the synthetic exerciser and the
tests can all speak about poses without importing mediapipe or OpenCV.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

NUM_LANDMARKS = 33


class Landmark(IntEnum):
    """The 33 body landmarks, in MediaPipe Pose order (their index in every array here)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Bones drawn as the skeleton (the same pairs MediaPipe draws, minus the face mesh lines).
CONNECTIONS: tuple[tuple[Landmark, Landmark], ...] = tuple(
    (Landmark[a], Landmark[b])
    for a, b in (
        ("LEFT_SHOULDER", "RIGHT_SHOULDER"), ("LEFT_HIP", "RIGHT_HIP"),
        ("LEFT_SHOULDER", "LEFT_HIP"), ("RIGHT_SHOULDER", "RIGHT_HIP"),
        ("LEFT_SHOULDER", "LEFT_ELBOW"), ("LEFT_ELBOW", "LEFT_WRIST"),
        ("RIGHT_SHOULDER", "RIGHT_ELBOW"), ("RIGHT_ELBOW", "RIGHT_WRIST"),
        ("LEFT_WRIST", "LEFT_INDEX"), ("RIGHT_WRIST", "RIGHT_INDEX"),
        ("LEFT_HIP", "LEFT_KNEE"), ("LEFT_KNEE", "LEFT_ANKLE"),
        ("RIGHT_HIP", "RIGHT_KNEE"), ("RIGHT_KNEE", "RIGHT_ANKLE"),
        ("LEFT_ANKLE", "LEFT_HEEL"), ("LEFT_HEEL", "LEFT_FOOT_INDEX"), ("LEFT_ANKLE", "LEFT_FOOT_INDEX"),
        ("RIGHT_ANKLE", "RIGHT_HEEL"), ("RIGHT_HEEL", "RIGHT_FOOT_INDEX"), ("RIGHT_ANKLE", "RIGHT_FOOT_INDEX"),
        ("NOSE", "LEFT_EYE"), ("NOSE", "RIGHT_EYE"), ("LEFT_EYE", "LEFT_EAR"), ("RIGHT_EYE", "RIGHT_EAR"),
    )
)


def mirror_index() -> np.ndarray:
    """Index array that swaps every LEFT_* landmark with its RIGHT_* twin (NOSE stays)."""
    idx = np.arange(NUM_LANDMARKS)
    for lm in Landmark:
        if lm.name.startswith("LEFT_"):
            twin = Landmark["RIGHT_" + lm.name[5:]]
            idx[lm], idx[twin] = twin, lm
    return idx


@dataclass(frozen=True)
class Pose:
    """One person's landmarks in one frame.

    image: (33, 3) x, y normalised to the frame's width and height (0..1, y down), z relative depth
        (MediaPipe's scale, about the same units as x; smaller is nearer the camera).
    world: (33, 3) metres, origin between the hips (MediaPipe world landmarks); None when unknown.
    visibility: (33,) probability 0..1 that the landmark is visible (not occluded) in the frame.
    timestamp: seconds from the start of the source.
    image_size: (width, height) of the frame in pixels, so normalised x and y can be made isotropic.
    """

    image: np.ndarray
    visibility: np.ndarray
    timestamp: float
    image_size: tuple[int, int] = (1, 1)
    world: np.ndarray | None = None
    presence: np.ndarray | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        image = np.asarray(self.image, dtype=np.float64)
        if image.shape != (NUM_LANDMARKS, 3):
            raise ValueError(f"Pose.image must have shape (33, 3), got {image.shape}")
        vis = np.asarray(self.visibility, dtype=np.float64)
        if vis.shape != (NUM_LANDMARKS,):
            raise ValueError(f"Pose.visibility must have shape (33,), got {vis.shape}")
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "visibility", vis)
        if self.world is not None:
            world = np.asarray(self.world, dtype=np.float64)
            if world.shape != (NUM_LANDMARKS, 3):
                raise ValueError(f"Pose.world must have shape (33, 3), got {world.shape}")
            object.__setattr__(self, "world", world)
        if self.presence is not None:
            object.__setattr__(self, "presence", np.asarray(self.presence, dtype=np.float64))
        w, h = self.image_size
        if w <= 0 or h <= 0:
            raise ValueError(f"Pose.image_size must be positive, got {self.image_size}")

    def pixels(self) -> np.ndarray:
        """(33, 2) landmark positions in pixels."""
        w, h = self.image_size
        return self.image[:, :2] * np.array([w, h], dtype=np.float64)

    def xy(self) -> np.ndarray:
        """(33, 2) positions in an isotropic frame: pixels divided by the frame height.

        Angles must be measured here, not in normalised coordinates, or a 16:9 frame stretches them.
        """
        w, h = self.image_size
        return self.image[:, :2] * np.array([w / h, 1.0])

    def point(self, lm: Landmark) -> np.ndarray:
        return self.xy()[int(lm)]

    def mirrored(self) -> "Pose":
        """The same body seen in a horizontally flipped image: x -> 1-x, and left/right labels swapped.

        A selfie view flips the picture; MediaPipe then calls the person's left hand 'right'. Applying this
        to the estimate of a flipped frame gives back the body's true sides.
        """
        idx = mirror_index()
        image = self.image[idx].copy()
        image[:, 0] = 1.0 - image[:, 0]
        world = None
        if self.world is not None:
            world = self.world[idx].copy()
            world[:, 0] = -world[:, 0]
        presence = None if self.presence is None else self.presence[idx]
        return Pose(image=image, visibility=self.visibility[idx], timestamp=self.timestamp,
                    image_size=self.image_size, world=world, presence=presence, extra=dict(self.extra))

    def with_points(self, image: np.ndarray, world: np.ndarray | None = None) -> "Pose":
        """A copy with new landmark positions (used by smoothers)."""
        return Pose(image=image, visibility=self.visibility, timestamp=self.timestamp,
                    image_size=self.image_size, world=self.world if world is None else world,
                    presence=self.presence, extra=dict(self.extra))

    def to_dict(self) -> dict:
        d = {
            "t": round(self.timestamp, 4),
            "image": np.round(self.image, 5).tolist(),
            "visibility": np.round(self.visibility, 4).tolist(),
            "size": list(self.image_size),
        }
        if self.world is not None:
            d["world"] = np.round(self.world, 5).tolist()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Pose":
        return cls(image=np.array(d["image"]), visibility=np.array(d["visibility"]), timestamp=float(d["t"]),
                   image_size=tuple(d.get("size", (1, 1))),
                   world=np.array(d["world"]) if d.get("world") is not None else None)


@dataclass(frozen=True)
class PoseFrame:
    """What the pipeline knows about one frame: its time and index, and the pose (None if nobody)."""

    index: int
    timestamp: float
    pose: Pose | None
