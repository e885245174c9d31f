"""The workshop dashboard (`sdo-sim dashboard`): a Solara app on localhost; only it imports Solara."""
