"""The shipped programmes, one TOML file each (data, read by posecoach.programme.spec.load_programme).

A programme of one's own is a file in the same form anywhere: ``posecoach start my_programme.toml``.
"""
