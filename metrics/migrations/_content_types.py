"""The operation that moves models' content types from one app label to another, for models
moved between apps in Django's state only (their tables stay): the permissions granted on
them and their admin history follow them. Frozen with the migrations, as _versioned.py: it
imports only Django and the standard library."""

from functools import partial

from django.db import migrations


def content_types_moved(models: tuple[str, ...], *, source: str, target: str) -> migrations.RunPython:
    """models: their names in lower case (ContentType.model). Backwards, target to source."""
    return migrations.RunPython(partial(_move, models=models, source=source, target=target),
                                partial(_move, models=models, source=target, target=source))


def _move(apps, schema_editor, *, models: tuple[str, ...], source: str, target: str) -> None:
    """A `migrate` that stopped between the two apps' migrations may have made rows under
    target already (post_migrate, for the models both apps' states then held): those give
    way, for the source's rows carry the permissions granted and the admin history."""
    types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    moving = list(types.filter(app_label=source, model__in=models).values_list("model", flat=True))
    types.filter(app_label=target, model__in=moving).delete()
    types.filter(app_label=source, model__in=moving).update(app_label=target)
