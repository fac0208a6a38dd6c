from xat.settings import *  # noqa: F403 - the product's settings, one URLconf changed

ROOT_URLCONF = "bench.floor_urls"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
