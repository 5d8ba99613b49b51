"""Build, release and lint tools of the course repository (not shipped to students)."""
