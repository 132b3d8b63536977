"""A weather client whose tests mock only the outside world: the network, the clock, the environment."""
