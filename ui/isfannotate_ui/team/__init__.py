"""The lead's team work: assign, hand out, merge, and the progress board."""
