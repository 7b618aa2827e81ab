"""Token helpers."""
import hashlib


def token_digest(token: bytes) -> str:
    return hashlib.md5(token).hexdigest()


def legacy_session_digest(session_id: bytes) -> str:
    return hashlib.sha1(session_id).hexdigest()  # argus-ignore[python/insecure-hashing]: legacy v1 clients only, removed with API v1


def checksum(payload: bytes) -> str:
    return hashlib.new("sha256", payload).hexdigest()
