"""Which failures for want of configuration the verdict cache may keep, and on which variables."""

from __future__ import annotations

from smokegen.model import BuildVerdict, ImportStatus, ImportVerdict, TraceFrame
from smokegen.pipeline import _unset_variables

ENVIRON = (
    TraceFrame("/srv/app/conf.py", 3, "<module>", "URL = os.environ['SERVICE_URL']"),
    TraceFrame("<frozen os>", 679, "__getitem__"),
)
DJANGO = "Requested setting INSTALLED_APPS, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings."


def failed(exc_type: str, message: str, frames: tuple[TraceFrame, ...] = ()) -> ImportVerdict:
    return ImportVerdict("app.conf", ImportStatus.ERROR, exc_type, message, frames)


def test_an_unset_variable_and_django_without_settings_name_their_variable() -> None:
    assert _unset_variables(failed("KeyError", "'SERVICE_URL'", ENVIRON)) == ("SERVICE_URL",)
    assert _unset_variables(failed("django.core.exceptions.ImproperlyConfigured", DJANGO)) == (
        "DJANGO_SETTINGS_MODULE",
    )


def test_a_constructor_wanting_settings_in_a_module_that_imports() -> None:
    build = BuildVerdict("app.conf", "Mailer", ImportStatus.ERROR, exc_type="ImproperlyConfigured", message=DJANGO)
    verdict = ImportVerdict("app.conf", ImportStatus.OK, builds=(build,))
    assert _unset_variables(verdict) == ("DJANGO_SETTINGS_MODULE",)


def test_other_configuration_failures_are_not_kept() -> None:
    # a KeyError of a dict, not of os.environ; Django's other complaints; a database; a timeout
    assert _unset_variables(failed("KeyError", "'SERVICE_URL'", ENVIRON[:1])) == ()
    assert _unset_variables(failed("ImproperlyConfigured", "Could not find the GDAL library")) == ()
    assert _unset_variables(failed("OperationalError", "could not connect to server")) == ()
    assert _unset_variables(ImportVerdict("app.conf", ImportStatus.TIMEOUT, detail="10")) == ()


def test_a_failure_that_passes_after_its_siblings_or_beside_another_cause_is_not_kept() -> None:
    retried = ImportVerdict(
        "app.conf", ImportStatus.ERROR, "KeyError", "'SERVICE_URL'", ENVIRON, after_siblings=ImportStatus.OK
    )
    assert _unset_variables(retried) == ()
    other = BuildVerdict("app.conf", "Client", ImportStatus.ERROR, exc_type="OSError", message="no route to host")
    wants = BuildVerdict("app.conf", "Mailer", ImportStatus.ERROR, exc_type="ImproperlyConfigured", message=DJANGO)
    assert _unset_variables(ImportVerdict("app.conf", ImportStatus.OK, builds=(wants, other))) == ()
