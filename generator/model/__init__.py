"""Plan data: the model, the loader, round-trip YAML files and next year's plan."""
