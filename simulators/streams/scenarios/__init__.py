"""Named scenarios: the stage, the registry and the stories."""
