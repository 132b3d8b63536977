import plugins.formatters


def load(name: str) -> object:
    return getattr(plugins.formatters, name)()
