import numpy as np
import pytest

from posecoach.pose import Pose
from posecoach.smoothing import EmaSmoother, NoSmoothing, OneEuroArray, OneEuroSmoother, make_smoother


def _pose(xy, t, size=(640, 480)):
    img = np.zeros((33, 3))
    img[:, :2] = xy
    return Pose(image=img, visibility=np.ones(33), timestamp=t, image_size=size)


def test_one_euro_removes_jitter_on_a_still_body():
    rng = np.random.default_rng(0)
    f = OneEuroSmoother()
    raw, out = [], []
    for i in range(300):
        xy = 0.5 + rng.normal(0, 0.004, size=(33, 2))  # ~2 px jitter at 480p
        raw.append(xy)
        out.append(f(_pose(xy, i / 30)).image[:, :2])
    raw_sd = np.std(np.array(raw)[50:], axis=0).mean()
    out_sd = np.std(np.array(out)[50:], axis=0).mean()
    assert out_sd < raw_sd / 2  # EMA-equivalent alpha 0.24 at 30 fps: about 2.6x less jitter


def test_one_euro_follows_a_slow_rep_with_little_lag():
    # A 0.4 Hz movement (a slow rep) of 0.2 units: the filtered peak must keep >= 90% of the amplitude.
    f = OneEuroArray(min_cutoff=1.5, beta=2.0)
    t = np.arange(0, 10, 1 / 30)
    x = 0.2 * np.sin(2 * np.pi * 0.4 * t)
    y = np.array([f(np.array([v]), ti)[0] for v, ti in zip(x, t)])
    assert y[60:].max() > 0.9 * 0.2
    lag = np.argmax(y[60:135]) - np.argmax(x[60:135])
    assert 0 <= lag <= 5  # frames at 30 fps


def test_one_euro_restarts_after_a_gap():
    f = OneEuroSmoother(max_gap=0.5)
    f(_pose(np.full((33, 2), 0.2), 0.0))
    out = f(_pose(np.full((33, 2), 0.8), 2.0))  # the person re-enters elsewhere 2 s later
    assert np.allclose(out.image[:, :2], 0.8)


def test_repeated_timestamp_does_not_divide_by_zero():
    f = OneEuroArray()
    f(np.array([1.0]), 1.0)
    assert np.isfinite(f(np.array([2.0]), 1.0)).all()


def test_ema_and_none():
    e = EmaSmoother(alpha=0.5)
    e(_pose(np.zeros((33, 2)), 0))
    assert np.allclose(e(_pose(np.ones((33, 2)), 0.1)).image[:, :2], 0.5)
    p = _pose(np.ones((33, 2)) * 0.3, 0)
    assert NoSmoothing()(p) is p


def test_unknown_smoother_lists_choices():
    with pytest.raises(ValueError, match="one_euro"):
        make_smoother("kalman")
