import plugins

# Works only when something imported plugins.formatters first (plugins.loader does):
# a fresh `import plugins.registry` fails with AttributeError.
DEFAULT = plugins.formatters.JsonFormatter()
