"""The stance map: the matrix, its evidence and the timeline."""
