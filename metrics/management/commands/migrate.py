"""Django's `migrate`, then the schema's idempotent layer (metrics/schema.py) when every
migration of every app is applied. A partial migrate (to a named migration, as an upgrade
test does) leaves the layer alone: it follows the newest schema, which is not there yet."""

from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from metrics.schema import schema_idempotent_apply


class Command(migrate.Command):
    help = migrate.Command.help + " Then applies the idempotent layer of the schema (sql/idempotent/)."

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options["plan"] or options["check_unapplied"]:
            return
        executor = MigrationExecutor(connections[options["database"]])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return
        applied = schema_idempotent_apply(using=options["database"])
        if options["verbosity"] >= 1:
            self.stdout.write(f"Idempotent layer applied: {', '.join(applied)}")
