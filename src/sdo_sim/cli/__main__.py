"""`python -m sdo_sim.cli`."""

from sdo_sim.cli import main

main()
