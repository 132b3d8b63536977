"""Which failures are the machine's (a missing configuration: SG206/SG211, warnings), not the code's."""

from __future__ import annotations

from smokegen.checks.import_verdicts import environment_reason
from smokegen.model import TraceFrame

PYDANTIC_1 = (
    "2 validation errors for ProdAppSettings\ndatabase_url\n  field required (type=value_error.missing)\n"
    "secret_key\n  field required (type=value_error.missing)"
)
PYDANTIC_2 = (
    "1 validation error for Settings\ndatabase_url\n  Field required [type=missing, input_value={}, input_type=dict]"
)
SETTINGS_1 = (
    TraceFrame("/srv/app/core/config.py", 21, "get_app_settings"),
    TraceFrame("pydantic/env_settings.py", 40, "pydantic.env_settings.BaseSettings.__init__"),
    TraceFrame("pydantic/main.py", 364, "pydantic.main.BaseModel.__init__"),
)
SETTINGS_2 = (
    TraceFrame("/srv/app/config.py", 5, "<module>"),
    TraceFrame("/venv/lib/python3.12/site-packages/pydantic_settings/main.py", 84, "__init__"),
)


def test_a_pydantic_settings_class_missing_fields_wants_the_environment() -> None:
    assert environment_reason("pydantic.error_wrappers.ValidationError", PYDANTIC_1, SETTINGS_1) == (
        "the settings class ProdAppSettings wants database_url, secret_key from the environment (or a .env file)"
    )
    assert environment_reason("pydantic_core._pydantic_core.ValidationError", PYDANTIC_2, SETTINGS_2) == (
        "the settings class Settings wants database_url from the environment (or a .env file)"
    )


def test_other_validation_errors_are_the_codes() -> None:
    # a plain model (no settings code in the traceback), and a settings class given a bad value too
    assert environment_reason("pydantic_core._pydantic_core.ValidationError", PYDANTIC_2, SETTINGS_2[:1]) is None
    mixed = PYDANTIC_2.replace("1 validation error", "2 validation errors") + (
        "\nport\n  Input should be a valid integer [type=int_parsing, input_value='x', input_type=str]"
    )
    assert environment_reason("pydantic_core._pydantic_core.ValidationError", mixed, SETTINGS_2) is None


def test_a_database_not_there_or_not_migrated_is_the_machines() -> None:
    for exc_type, message in (
        ("django.db.utils.OperationalError", "no such table: wagtailcore_locale"),
        ("sqlalchemy.exc.OperationalError", "(psycopg2.OperationalError) connection to server failed"),
        ("django.db.utils.InterfaceError", "connection already closed"),
        ("django.db.utils.ProgrammingError", 'relation "shop_item" does not exist\nLINE 1: SELECT ...'),
    ):
        reason = environment_reason(exc_type, message, ())
        assert reason is not None and reason.startswith("the database is not there or not migrated"), exc_type
    assert environment_reason("django.db.utils.ProgrammingError", 'syntax error at or near "SELEC"', ()) is None


def test_a_dotenv_file_that_is_not_there_is_the_deploys_configuration() -> None:
    """Starlette's ``Config(".env")`` raises when the file is missing; a deploy mounts it."""
    starlette = "Config file '/srv/app/src/app/core/../../.env' not found."
    assert environment_reason("FileNotFoundError", starlette, ()) == (
        f"the configuration file '.env' is not there ({starlette})"
    )
    opened = "[Errno 2] No such file or directory: 'settings/prod.env'"
    assert environment_reason("FileNotFoundError", opened, ()) is not None
    # a data file the package should ship is the code's
    assert environment_reason("FileNotFoundError", "[Errno 2] No such file or directory: 'data/rates.json'", ()) is None
