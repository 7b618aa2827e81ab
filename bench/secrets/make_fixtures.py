#!/usr/bin/env python3
"""Writes the annotated secrets fixtures of crates/argus-engine/tests/fixtures/secrets
from seeded token factories (python3 bench/secrets/make_fixtures.py).

Each positive line is preceded by a `ruleid: <detector>` comment and each
look-alike by `ok: <detector>`, in the comment syntax of the file type
(JSON, which has none, uses a "//" member).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokens import Tokens  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates", "argus-engine", "tests",
                    "fixtures", "secrets")
t = Tokens(20261126)


def write(name, text):
    path = os.path.join(ROOT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def S(kind):
    return "secrets/" + kind


# --- .env: every provider token --------------------------------------------
env = ["# Fixture: provider tokens in a .env file."]
def pos(kind, line):
    env.extend([f"# ruleid: {S(kind)}", line])
def neg(kind, line):
    env.extend([f"# ok: {S(kind)}", line])

pos("aws-access-key-id", f"AWS_ACCESS_KEY_ID={t.aws_access_key_id()}")
pos("aws-secret-access-key", f"AWS_SECRET_ACCESS_KEY={t.aws_secret_access_key()}")
pos("atlassian-api-token", f"JIRA_API_TOKEN={t.atlassian_api_token()}")
pos("atlassian-api-token", f"CONFLUENCE_API_TOKEN={t.atlassian_legacy_token()}")
pos("atlassian-jwt", f"JIRA_CONNECT_JWT={t.atlassian_jwt()}")
pos("bitbucket-server-personal-access-token", f"BITBUCKET_TOKEN={t.bitbucket_server_pat()}")
pos("databricks-access-token", f"DATABRICKS_TOKEN={t.databricks_token()}")
pos("datadog-api-key", f"DD_API_KEY={t.datadog_api_key()}")
pos("datadog-app-key", f"DD_APP_KEY={t.datadog_app_key()}")
pos("github-personal-access-token", f"GITHUB_TOKEN={t.github('ghp')}")
pos("github-personal-access-token", f"GH_FINE_GRAINED={t.github_fine_grained()}")
pos("github-oauth-access-token", f"GITHUB_OAUTH_TOKEN={t.github('gho')}")
pos("github-refresh-token", f"GITHUB_REFRESH_TOKEN={t.github('ghr')}")
pos("github-app-installation-token", f"GITHUB_INSTALLATION_TOKEN={t.github('ghs')}")
pos("github-app-installation-token", f"GITHUB_USER_TOKEN={t.github('ghu')}")
pos("intercom-access-token", f"INTERCOM_ACCESS_TOKEN={t.intercom_token()}")
pos("mailchimp-api-key", f"MAILCHIMP_API_KEY={t.mailchimp_api_key()}")
pos("mailgun-api-key", f"MAILGUN_API_KEY={t.mailgun_api_key()}")
pos("sendgrid-api-key", f"SENDGRID_API_KEY={t.sendgrid_api_key()}")
pos("shopify-shared-secret", f"SHOPIFY_API_SECRET={t.shopify('shpss')}")
pos("shopify-access-token", f"SHOPIFY_ACCESS_TOKEN={t.shopify('shpat')}")
pos("shopify-custom-app-access-token", f"SHOPIFY_CUSTOM_TOKEN={t.shopify('shpca')}")
pos("shopify-private-app-password", f"SHOPIFY_PRIVATE_APP_PASSWORD={t.shopify('shppa')}")
pos("slack-token", f"SLACK_BOT_TOKEN={t.slack_token('xoxb')}")
pos("slack-token", f"SLACK_USER_TOKEN={t.slack_token('xoxp')}")
pos("slack-webhook-url", f"SLACK_WEBHOOK={t.slack_webhook()}")
pos("slack-client-id", f"SLACK_CLIENT_ID={t.slack_client_id()}")
pos("slack-client-secret", f"SLACK_CLIENT_SECRET={t.slack_client_secret()}")
pos("stripe-secret-key", f"STRIPE_SECRET_KEY={t.stripe('sk_live_')}")
pos("stripe-secret-key", f"STRIPE_TEST_KEY={t.stripe('sk_test_')}")
pos("stripe-restricted-key", f"STRIPE_RESTRICTED_KEY={t.stripe('rk_live_')}")
pos("stripe-restricted-key", f"STRIPE_RESTRICTED_TEST_KEY={t.stripe('rk_test_')}")
pos("stripe-webhook-signing-secret", f"STRIPE_WEBHOOK_SECRET={t.stripe_webhook_secret()}")
pos("tableau-personal-access-token", f"TABLEAU_PAT_SECRET={t.tableau_pat()}")
pos("telegram-bot-token", f"TELEGRAM_BOT_TOKEN={t.telegram_bot_token()}")
pos("twilio-account-sid", f"TWILIO_ACCOUNT_SID={t.twilio_account_sid()}")
pos("twilio-api-key", f"TWILIO_API_KEY={t.twilio_api_key()}")
pos("twilio-api-key", f"TWILIO_AUTH_TOKEN={t.twilio_auth_token()}")
pos("hardcoded-password", f"DB_PASSWORD={t.password()}")
pos("connection-string", f"DATABASE_URL=postgres://app:{t.password()}@db.internal:5432/app")
env.append("")
env.append("# Look-alikes that must not fire.")
neg("github-personal-access-token", f"OLD_GITHUB_TOKEN={t.github_bad_checksum('ghp')}")
neg("aws-access-key-id", "EXAMPLE_AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")
neg("aws-secret-access-key", "EXAMPLE_AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
neg("aws-access-key-id", f"LONE_AWS_ACCESS_KEY_ID={t.aws_access_key_id()}")
neg("stripe-secret-key", f"STRIPE_PUBLISHABLE_KEY={t.stripe('pk_live_')}")
neg("stripe-secret-key", "STRIPE_DOCS_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc")
neg("slack-token", "SLACK_BOT_TOKEN=xoxb-not-a-real-token-this-will-not-work")
neg("hardcoded-password", "DB_PASSWORD=${DB_PASSWORD}")
neg("hardcoded-password", "SMTP_PASSWORD=changeme")
neg("hardcoded-password", "REDIS_PASSWORD=")
neg("hardcoded-password", "PASSWORD_RESET_TIMEOUT=3600")
neg("connection-string", "DATABASE_URL=postgres://postgres:postgres@localhost:5432/test")
neg("connection-string", "CACHE_URL=redis://localhost:6379/0")
neg("datadog-api-key", f"DD_TRACE_ID={t.datadog_api_key()}")
neg("hardcoded-secret", f"BUILD_ID={t.uuid()}")
neg("twilio-account-sid", "TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
neg("mailchimp-api-key", "MAILCHIMP_API_KEY=<your-api-key>-us21")
neg("databricks-access-token", "DATABRICKS_TOKEN=dapi00000000000000000000000000000000")
neg("hardcoded-secret", "JWT_SECRET_KEY_FILE=/run/secrets/jwt")
write("providers.env", "\n".join(env) + "\n")

# --- Python settings ---------------------------------------------------------
py_password = t.password()
write("settings.py", f'''"""Fixture: secrets in Python code."""
import os

# ruleid: secrets/hardcoded-secret
SECRET_KEY = "{t.generic_secret()}"

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        # ruleid: secrets/hardcoded-username
        "USER": "{t.username()}",
        # ruleid: secrets/hardcoded-password
        "PASSWORD": "{py_password}",
    }}
}}

# ruleid: secrets/connection-string
BROKER_URL = "amqp://worker:{t.password()}@rabbit.internal:5672//"


def connect(client):
    # ruleid: secrets/hardcoded-username, secrets/hardcoded-password
    return client.login(username="ops", password="{t.password()}")


def github():
    # ruleid: secrets/github-personal-access-token
    return {{"Authorization": "token {t.github('ghp')}"}}


# Look-alikes that must not fire.
# ok: secrets/hardcoded-password
DB_PASSWORD = os.environ["DB_PASSWORD"]
# ok: secrets/hardcoded-password
PASSWORD_RESET_URL = "/accounts/password/reset/"
# ok: secrets/hardcoded-password
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
# ok: secrets/hardcoded-password
password_help_text = "Your password must contain at least 8 characters."
# ok: secrets/hardcoded-password
form_field = {{"name": "password", "label": "Password:"}}
# ok: secrets/hardcoded-password
admin_password_hash = "pbkdf2_sha256$600000$salt$hashhashhash"
# ok: secrets/hardcoded-secret
API_KEY = "YOUR_API_KEY_HERE"
# ok: secrets/hardcoded-secret
REQUEST_TOKEN_URL = "https://api.example.org/oauth/request_token"
# ok: secrets/hardcoded-secret
CSRF_TOKEN_HEADER = "X-CSRF-Token-Header-Name-Value"
# ok: secrets/hardcoded-secret
session_token = "{t.uuid()}"
# ok: secrets/hardcoded-password
password = f"{{prefix}}{{suffix}}"
# ok: secrets/hardcoded-username
username = "{t.username()}"
# ok: secrets/hardcoded-password
SENSITIVE_FIELDS = ["username", "password", "password_confirmation", "email"]
# ok: secrets/hardcoded-password
password_bytes = password.encode("utf-8")
# ok: secrets/hardcoded-password
become = passwords.get("become_pass", "")
# ok: secrets/connection-string
ENGINE_URL = "postgresql://scott:tiger@localhost/test"


def docs():
    """Connect with a password.

    Example::

        # ok: secrets/hardcoded-password
        client.login(password="Example-Passw0rd-9")
    """


def java_style(props):
    # ruleid: secrets/hardcoded-password
    props.put("password", "{t.password()}")
    # ruleid: secrets/hardcoded-password
    props.setPassword("{t.password()}")
''')

write("docs/deploy.rst", f'''Deploying
=========

.. code-block:: bash

   # ok: secrets/hardcoded-password
   export DB_PASSWORD={t.password()}
   # ruleid: secrets/stripe-secret-key
   export STRIPE_KEY={t.stripe("sk_live_")}
''')

# --- YAML ---------------------------------------------------------------------
write("config.yaml", f'''# Fixture: secrets in YAML configuration.
database:
  host: db.internal
  # ruleid: secrets/hardcoded-username
  username: {t.username()}
  # ruleid: secrets/hardcoded-password
  password: "{t.password()}"
mongo:
  # ruleid: secrets/connection-string
  uri: mongodb+srv://app:{t.password()}@cluster0.abcd.mongodb.net/prod
notifications:
  # ruleid: secrets/slack-webhook-url
  slack: {t.slack_webhook()}
datadog:
  # ruleid: secrets/datadog-api-key
  datadog_api_key: {t.datadog_api_key()}
tls:
  key: |
    # ruleid: secrets/private-key
{chr(10).join("    " + l for l in t.private_key("EC").splitlines())}
# Look-alikes that must not fire.
staging:
  # ok: secrets/hardcoded-password
  password: ${{STAGING_DB_PASSWORD}}
  # ok: secrets/hardcoded-password
  password_file: /run/secrets/staging
  # ok: secrets/hardcoded-password
  smtp_password: !Ref SmtpPassword
  # ok: secrets/hardcoded-password
  admin_password: "{{{{ vault_admin_password }}}}"
artifact:
  # ok: secrets/hardcoded-secret
  sha256: {t.sha256()}
''')

# --- JSON ---------------------------------------------------------------------
appsettings = {
    "ConnectionStrings": {
        "//": "ruleid: secrets/connection-string",
        "Default": f"Server=sql.internal;Database=orders;User Id=orders_app;Password={t.password()};",
        "//ok": "ok: secrets/connection-string",
        "Local": "Server=(localdb)\\\\mssqllocaldb;Database=orders;Trusted_Connection=True;",
    },
    "Stripe": {
        "//": "ruleid: secrets/stripe-secret-key",
        "SecretKey": t.stripe("sk_live_"),
        "//ok": "ok: secrets/stripe-secret-key",
        "PublishableKey": t.stripe("pk_live_"),
    },
    "SendGrid": {
        "//": "ruleid: secrets/sendgrid-api-key",
        "ApiKey": t.sendgrid_api_key(),
    },
    "Smtp": {
        "//": "ruleid: secrets/hardcoded-password",
        "Password": t.password(),
        "//ok": "ok: secrets/hardcoded-password",
        "PasswordMinLength": "12",
    },
}
text = json.dumps(appsettings, indent=2)
# The "//ok" members carry `ok:` annotations; JSON keys must be unique.
write("appsettings.json", text + "\n")

# --- Java -----------------------------------------------------------------------
write("Config.java", f'''package com.example.config;

import java.sql.Connection;
import java.sql.DriverManager;

public class Config {{
    // ruleid: secrets/hardcoded-password
    private static final String DB_PASSWORD = "{t.password()}";
    // ruleid: secrets/connection-string
    private static final String JDBC_URL = "jdbc:mysql://db.internal:3306/shop?user=shop&password={t.password()}";
    // ruleid: secrets/twilio-account-sid
    private static final String TWILIO_SID = "{t.twilio_account_sid()}";

    // ok: secrets/hardcoded-password
    private static final String PASSWORD_PROPERTY = "db.password";
    // ok: secrets/hardcoded-password
    private static final String PASSWORD_ENV = "DB_PASSWORD";

    public Connection open(String user) throws Exception {{
        // ok: secrets/hardcoded-password
        String password = System.getenv("DB_PASSWORD");
        return DriverManager.getConnection(JDBC_URL, user, password);
    }}
}}
''')

# --- JavaScript -----------------------------------------------------------------
write("client.js", f'''// Fixture: secrets in JavaScript.
const TelegramBot = require("node-telegram-bot-api");

// ruleid: secrets/telegram-bot-token
const bot = new TelegramBot("{t.telegram_bot_token()}", {{ polling: true }});

const mailgun = {{
  // ruleid: secrets/mailgun-api-key
  apiKey: "{t.mailgun_api_key()}",
  domain: "mg.example.org",
}};

// ruleid: secrets/github-oauth-access-token
const oauthToken = `{t.github('gho')}`;

// ok: secrets/hardcoded-password
const passwordInput = document.querySelector("input[type=password]");
// ok: secrets/hardcoded-secret
const tokenKey = "auth.accessToken.storageKey";
// ok: secrets/github-personal-access-token
const example = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

module.exports = {{ bot, mailgun, oauthToken, passwordInput, tokenKey, example }};
''')

# --- properties ---------------------------------------------------------------
write("application.properties", f'''# Fixture: Spring configuration.
spring.datasource.url=jdbc:postgresql://db.internal:5432/app
# ruleid: secrets/hardcoded-username
spring.datasource.username={t.username()}
# ruleid: secrets/hardcoded-password
spring.datasource.password={t.password()}
# ruleid: secrets/databricks-access-token
databricks.token={t.databricks_token()}
# ok: secrets/hardcoded-password
spring.mail.password=${{MAIL_PASSWORD}}
# ok: secrets/hardcoded-password
security.password.min-length=12
''')

# --- XML (web.config) ------------------------------------------------------------
write("web.config", f'''<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <!-- ruleid: secrets/hardcoded-password -->
    <add key="SmtpPassword" value="{t.password()}" />
    <!-- ok: secrets/hardcoded-password -->
    <add key="PasswordPolicy" value="strong" />
  </appSettings>
  <connectionStrings>
    <!-- ruleid: secrets/connection-string -->
    <add name="Orders" connectionString="Data Source=sql.internal;Initial Catalog=orders;User ID=orders;Password={t.password()};" />
  </connectionStrings>
  <smtp>
    <!-- ruleid: secrets/hardcoded-password -->
    <password>{t.password()}</password>
  </smtp>
</configuration>
''')

# --- keys ---------------------------------------------------------------------
keys = ["# Fixture: private keys (and public material that must not fire)."]
for kind in ["RSA", "PKCS8", "ENCRYPTED", "PGP", "DSA"]:
    keys.extend(["# ruleid: secrets/private-key", t.private_key(kind), ""])
keys.extend(["# ruleid: secrets/ssh-private-key", t.private_key("OPENSSH"), ""])
keys.extend(["# ok: secrets/private-key", t.public_key(), ""])
keys.extend(["# ok: secrets/private-key", t.certificate(), ""])
keys.extend(["# ok: secrets/private-key", "-----BEGIN RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA...", "-----END RSA PRIVATE KEY-----", ""])
write("keys.pem", "\n".join(keys))

key_escaped = t.private_key("PKCS8").replace("\n", "\\n")
write("salesforce_jwt.py", f'''"""Fixture: the Salesforce JWT bearer flow with a key pasted into code."""
import jwt

SALESFORCE_LOGIN = "https://login.salesforce.com"
# ruleid: secrets/salesforce-private-key
SF_JWT_KEY = "{key_escaped}"

# ruleid: secrets/salesforce-private-key
SESSION_ID = "{t.salesforce_session()}"


def assertion(client_id, user):
    return jwt.encode({{"iss": client_id, "sub": user, "aud": SALESFORCE_LOGIN}}, SF_JWT_KEY, algorithm="RS256")
''')

# --- Markdown -------------------------------------------------------------------
write("README.md", f'''# Deploying

Set the token before running the deploy script:

<!-- ruleid: secrets/github-personal-access-token -->
    export GITHUB_TOKEN={t.github('ghp')}

<!-- ok: secrets/github-personal-access-token -->
    export GITHUB_TOKEN=<YOUR_TOKEN>

<!-- ok: secrets/aws-access-key-id -->
The AWS documentation uses `AKIAIOSFODNN7EXAMPLE` as its sample key id.

<!-- ok: secrets/hardcoded-password -->
Your password: must be at least twelve characters long.
''')

# --- notebook ------------------------------------------------------------------
cells = [
    {"cell_type": "markdown", "metadata": {}, "source": ["# Send a report\n"]},
    {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": [
        "import sendgrid\n",
        "\n",
        "# ruleid: secrets/sendgrid-api-key\n",
        f"client = sendgrid.SendGridAPIClient(\"{t.sendgrid_api_key()}\")\n",
        "# ok: secrets/hardcoded-password\n",
        "password = input(\"Password: \")",
    ]},
]
notebook = {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}
write("report.ipynb", json.dumps(notebook, indent=1) + "\n")

# --- Terraform, INI, TOML, C# -----------------------------------------------------
write("main.tf", f'''# Fixture: secrets in Terraform.
resource "aws_db_instance" "orders" {{
  engine   = "postgres"
  # ruleid: secrets/hardcoded-username
  username = "orders"
  # ruleid: secrets/hardcoded-password
  password = "{t.password()}"
}}

resource "aws_db_instance" "reports" {{
  engine   = "postgres"
  # ok: secrets/hardcoded-password
  password = var.reports_password
}}
''')

write("app.ini", f'''; Fixture: INI configuration.
[database]
; ruleid: secrets/hardcoded-password
password = {t.password()}
; ok: secrets/hardcoded-password
password_min_length = 12
''')

write("settings.toml", f'''# Fixture: TOML configuration.
[smtp]
host = "smtp.internal"
# ruleid: secrets/hardcoded-password
password = "{t.password()}"
# ok: secrets/hardcoded-password
password_env = "SMTP_PASSWORD"
''')

write("Startup.cs", f'''using Microsoft.EntityFrameworkCore;

namespace Orders
{{
    public class Startup
    {{
        // ruleid: secrets/connection-string
        private const string Db = "Server=sql.internal;Database=orders;User Id=orders;Password={t.password()};";
        // ok: secrets/connection-string
        private const string Local = "Server=(localdb)\\\\mssqllocaldb;Database=orders;Trusted_Connection=True;";
    }}
}}
''')

write("package-lock.json", json.dumps({
    "name": "web",
    "lockfileVersion": 3,
    "packages": {
        "node_modules/left-pad": {
            "version": "1.3.0",
            "//": "ok: secrets/hardcoded-secret",
            "integrity": t.integrity(),
        }
    },
}, indent=2) + "\n")
print("fixtures written to", os.path.normpath(ROOT))
