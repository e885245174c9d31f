"""Fuzzing the `sdo-sim` command with mutated shipped scenarios and ballots."""
