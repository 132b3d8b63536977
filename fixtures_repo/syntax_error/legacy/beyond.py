from .. import settings
