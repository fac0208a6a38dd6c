"""Analytics login roles: PostgreSQL roles that read one organization's `analytics` views
(metrics/analytics.py, docs/analytics.md).

    ./manage.py xat_sql_role create acme acme_analyst [--statement-timeout 60] [--connection-limit 5]
    ./manage.py xat_sql_role list
    ./manage.py xat_sql_role rotate-password acme_analyst
    ./manage.py xat_sql_role revoke acme_analyst

Needs a database user that may create roles (superuser, or CREATEROLE).
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from metrics.analytics import (
    SqlRoleCredentials,
    SqlRoleError,
    sql_role_create,
    sql_role_list,
    sql_role_revoke,
    sql_role_rotate_password,
)


class Command(BaseCommand):
    help = "create | list | revoke | rotate-password: read-only SQL login roles for one organization's analytics views."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Django database alias (default: default)")
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new login role for an organization; prints its connection string once")
        create.add_argument("organization", help="the organization's slug")
        create.add_argument("role_name", help="the PostgreSQL role name: lower-case letters, digits, _")
        create.add_argument("--statement-timeout", type=int, default=None, metavar="SECONDS",
                            help="statement_timeout of its sessions (default XAT_ANALYTICS_STATEMENT_TIMEOUT_SECONDS, 60)")
        create.add_argument("--connection-limit", type=int, default=None, metavar="N",
                            help="connections it may hold at once (default XAT_ANALYTICS_CONNECTION_LIMIT, 5)")
        actions.add_parser("list", help="every analytics role, its organization, limits and open sessions")
        revoke = actions.add_parser("revoke", help="unmap the role, end its sessions, drop it")
        revoke.add_argument("role_name")
        rotate = actions.add_parser("rotate-password", help="a new password; prints the new connection string once")
        rotate.add_argument("role_name")

    def handle(self, *args, action, database, **options):
        try:
            if action == "create":
                organization = Organization.objects.using(database).filter(slug=options["organization"]).first()
                if organization is None:
                    raise CommandError(f"no organization with slug {options['organization']!r}")
                credentials = sql_role_create(organization=organization, role_name=options["role_name"],
                                              statement_timeout_seconds=options["statement_timeout"],
                                              connection_limit=options["connection_limit"], using=database)
                self.stdout.write(f"Created role {credentials.role_name} for organization {organization.slug}.")
                self._print_once(credentials)
            elif action == "rotate-password":
                self._print_once(sql_role_rotate_password(role_name=options["role_name"], using=database))
            elif action == "revoke":
                ended = sql_role_revoke(role_name=options["role_name"], using=database)
                self.stdout.write(f"Revoked role {options['role_name']} ({ended} open session(s) ended).")
            else:
                self._list(database)
        except SqlRoleError as error:
            raise CommandError(str(error)) from None

    def _print_once(self, credentials: SqlRoleCredentials) -> None:
        self.stdout.write("Connection string (shown only now; `xat_sql_role rotate-password "
                          f"{credentials.role_name}` makes a new one):")
        self.stdout.write(credentials.dsn)

    def _list(self, database: str) -> None:
        roles = sql_role_list(using=database)
        if not roles:
            self.stdout.write("No analytics roles.")
            return
        self.stdout.write(f"{'role':<32} {'organization':<24} {'timeout':>8} {'limit':>5} {'sessions':>8}  created")
        for role in roles:
            organization = role.organization or "(deleted: revoke it)"
            if not role.role_exists:
                organization += " (role dropped outside XAT)"
            limit = "-" if role.connection_limit in (None, -1) else role.connection_limit
            self.stdout.write(f"{role.role_name:<32} {organization:<24} {role.statement_timeout or '-':>8} "
                              f"{limit:>5} {role.sessions:>8}  {role.created_at:%Y-%m-%d %H:%M}")
