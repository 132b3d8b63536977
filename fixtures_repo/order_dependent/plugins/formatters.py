class JsonFormatter:
    def format(self, record: dict[str, object]) -> str:
        return repr(sorted(record.items()))
