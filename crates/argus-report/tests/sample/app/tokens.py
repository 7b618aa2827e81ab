"""Token helpers."""
import hashlib


def token_digest(token: bytes) -> str:
    return hashlib.md5(token).hexdigest()


def cache_key(payload: bytes) -> str:
    return hashlib.sha1(payload).hexdigest()  # argus-ignore[python/insecure-hashing]: cache key only, not a security control


def checksum(payload: bytes) -> str:
    return hashlib.new("sha256", payload).hexdigest()
