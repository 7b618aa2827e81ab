"""Token factories for argus's secrets tests: real formats (prefixes,
lengths, alphabets, checksums, decodable payloads) filled with seeded
randomness. Nothing here is a live credential.

Used by make_fixtures.py (the annotated fixtures) and labelled.py (the
precision/recall corpus).
"""

import base64
import binascii
import hashlib
import json
import random
import string
import uuid

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


class Tokens:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def chars(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    # --- providers -------------------------------------------------------
    def aws_access_key_id(self):
        return "AKIA" + self.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)

    def aws_secret_access_key(self):
        return self.chars(B64, 40)

    def atlassian_api_token(self):
        return "ATATT3" + self.chars(ALNUM + "_-", 180) + "=" + self.chars("0123456789ABCDEF", 8)

    def atlassian_legacy_token(self):
        return self.chars(ALNUM, 24)

    def atlassian_jwt(self):
        def b64(obj):
            return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()
        header = b64({"alg": "HS256", "typ": "JWT"})
        claims = b64({
            "iss": "jira:" + str(uuid.UUID(int=self.r.getrandbits(128))),
            "iat": 1700000000 + self.r.randrange(10**7),
            "exp": 1800000000,
            "qsh": hashlib.sha256(self.chars(ALNUM, 20).encode()).hexdigest(),
        })
        return f"{header}.{claims}.{self.chars(B64URL, 43)}"

    def bitbucket_server_pat(self):
        return "BBDC-" + self.chars(ALNUM, 44)

    def databricks_token(self):
        return "dapi" + self.chars(HEX, 32)

    def datadog_api_key(self):
        return self.chars(HEX, 32)

    def datadog_app_key(self):
        return self.chars(HEX, 40)

    def github(self, prefix):
        random_part = self.chars(ALNUM, 30)
        value = binascii.crc32(random_part.encode()) & 0xFFFFFFFF
        checksum = ""
        for _ in range(6):
            value, rem = divmod(value, 62)
            checksum = BASE62[rem] + checksum
        return f"{prefix}_{random_part}{checksum}"

    def github_bad_checksum(self, prefix):
        token = self.github(prefix)
        last = token[-1]
        return token[:-1] + ("A" if last != "A" else "B")

    def github_fine_grained(self):
        return "github_pat_" + self.chars(ALNUM, 22) + "_" + self.chars(ALNUM, 59)

    def intercom_token(self):
        raw = "tok:" + str(uuid.UUID(int=self.r.getrandbits(128))) + ":" + self.chars("0123456789", 1) + ":0"
        return base64.b64encode(raw.encode()).decode()

    def mailchimp_api_key(self):
        return self.chars(HEX, 32) + "-us" + str(self.r.randrange(1, 21))

    def mailgun_api_key(self):
        return "key-" + self.chars(string.ascii_lowercase + string.digits, 32)

    def sendgrid_api_key(self):
        return "SG." + self.chars(B64URL, 22) + "." + self.chars(B64URL, 43)

    def shopify(self, prefix):
        return prefix + "_" + self.chars(HEX, 32)

    def slack_token(self, kind="xoxb"):
        return f"{kind}-{self.chars(string.digits, 12)}-{self.chars(string.digits, 13)}-{self.chars(ALNUM, 24)}"

    def slack_webhook(self):
        upper = string.ascii_uppercase + string.digits
        return f"https://hooks.slack.com/services/T{self.chars(upper, 8)}/B{self.chars(upper, 10)}/{self.chars(ALNUM, 24)}"

    def slack_client_id(self):
        return self.chars(string.digits, 11) + "." + self.chars(string.digits, 12)

    def slack_client_secret(self):
        return self.chars(HEX, 32)

    def stripe(self, prefix):
        return prefix + self.chars(ALNUM, 24 + self.r.randrange(0, 76))

    def stripe_webhook_secret(self):
        return "whsec_" + self.chars(ALNUM, 32)

    def tableau_pat(self):
        return self.chars(B64, 22) + "==:" + self.chars(ALNUM, 32)

    def telegram_bot_token(self):
        return self.chars(string.digits, 10) + ":AA" + self.chars(ALNUM + "_-", 33)

    def twilio_account_sid(self):
        return "AC" + self.chars(HEX, 32)

    def twilio_api_key(self):
        return "SK" + self.chars(HEX, 32)

    def twilio_auth_token(self):
        return self.chars(HEX, 32)

    def salesforce_session(self):
        return "00D" + self.chars(ALNUM, 15) + "!" + self.chars(ALNUM + "._", 96)

    # --- generic ---------------------------------------------------------
    WORDS = ["winter", "harbor", "copper", "falcon", "maple", "orbit", "quartz", "velvet", "ember", "summit",
             "lantern", "meadow", "cobalt", "saffron", "thunder", "willow"]

    def password(self):
        word = self.r.choice(self.WORDS).capitalize()
        other = self.r.choice(self.WORDS)
        return f"{word}{self.r.choice('-_.!@')}{other}{self.r.randrange(10, 99)}{self.r.choice('!#$%&*?')}"

    def generic_secret(self):
        return self.chars(ALNUM + "!#%&*+-", 32)

    def username(self):
        return self.r.choice(["reporting", "svc_billing", "app_rw", "etl_loader", "deploy"])

    def private_key(self, kind="RSA"):
        body = base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(900))).decode()
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        label = {"RSA": "RSA PRIVATE KEY", "EC": "EC PRIVATE KEY", "PKCS8": "PRIVATE KEY",
                 "OPENSSH": "OPENSSH PRIVATE KEY", "ENCRYPTED": "ENCRYPTED PRIVATE KEY",
                 "PGP": "PGP PRIVATE KEY BLOCK", "DSA": "DSA PRIVATE KEY"}[kind]
        return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"

    def public_key(self):
        body = base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(294))).decode()
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN PUBLIC KEY-----\n{lines}\n-----END PUBLIC KEY-----"

    def certificate(self):
        body = base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(700))).decode()
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----"

    def uuid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128)))

    def sha256(self):
        return self.chars(HEX, 64)

    def integrity(self):
        return "sha512-" + base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(64))).decode()
