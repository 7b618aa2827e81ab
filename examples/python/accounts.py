"""User accounts: password storage and API token fingerprints."""
import hashlib
import os


def hash_password(password: str, salt: bytes) -> str:
    # MD5 is fast and broken: a leaked table of these falls in hours.
    return hashlib.md5(salt + password.encode("utf-8")).hexdigest()


def token_fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def cache_key(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.md5(fh.read(), usedforsecurity=False).hexdigest()


def new_salt() -> bytes:
    return os.urandom(16)
