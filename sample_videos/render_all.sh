#!/bin/sh
# Re-render every sample clip from its recorded command (run from the repository root). Each clip's truth file
# records the same command; tests/test_synth_render.py checks that re-rendered frames match the committed ones.
set -e
posecoach synth glute_bridge --out sample_videos/glute_bridge_side.mp4 --reps 3 --seed 1
posecoach synth plank --out sample_videos/plank_side.mp4 --hold 8 --seed 2
posecoach synth squat --out sample_videos/squat_side.mp4 --reps 3 --seed 3
posecoach synth bird_dog --out sample_videos/bird_dog_side.mp4 --reps 2 --seed 4
posecoach synth knee_to_chest --out sample_videos/knee_to_chest_side.mp4 --reps 2 --seed 5
posecoach synth cat_cow --out sample_videos/cat_cow_side.mp4 --reps 2 --seed 6
posecoach synth plank --out sample_videos/plank_hips_sagging_side.mp4 --hold 10 --fault hips_sagging --seed 7
posecoach synth squat --out sample_videos/squat_oblique.mp4 --reps 3 --view oblique --seed 8
posecoach synth pushup --out sample_videos/pushup_side.mp4 --reps 3 --seed 9
posecoach synth cobra --out sample_videos/cobra_side.mp4 --reps 2 --seed 10
posecoach synth deep_breathing --out sample_videos/deep_breathing_side.mp4 --reps 3 --seed 11
posecoach synth back_roll --out sample_videos/back_roll_side.mp4 --reps 4 --seed 12
posecoach synth ball_position --out sample_videos/ball_position_side.mp4 --reps 2 --seed 13
posecoach synth glute_bridge --out sample_videos/glute_bridge_arms_raised_side.mp4 --reps 3 --seed 14 --variant arms_raised
posecoach synth hip_stretch --out sample_videos/hip_stretch_outer_hip_side.mp4 --hold 8 --seed 15 --variant outer_hip
