"""The benchmark's peer: the items API as a FastAPI full-stack-template team would write it."""
