"""manage.py xat_cloud_reencrypt: every stored cloud credential under the first key of
XAT_ENCRYPTION_KEYS, after a new key was put first; the older keys can then be removed."""

from django.core.management.base import BaseCommand

from metrics.cloud.credentials import cloud_credentials_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every stored cloud credential under the first key of XAT_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = cloud_credentials_reencrypt()
        self.stdout.write(f"{count} cloud credential(s) re-encrypted.")
