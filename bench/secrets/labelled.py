#!/usr/bin/env python3
"""Labelled secrets corpus: generates (with a fixed seed) files of many
types holding real-format secrets of every kind next to hard negatives --
placeholders, documented examples, hashes, UUIDs, base64 blobs, lock-file
integrity hashes, public keys and certificates, bad-checksum tokens --
scans them with argus and reports precision and recall per kind.

    python3 bench/secrets/labelled.py [--argus PATH] [--seed N] [--files N] [--check 0.98]
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokens import Tokens  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# kind -> (key names, factory)
def provider_kinds(t):
    return {
        "aws-secret-access-key": (["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "SecretAccessKey"], t.aws_secret_access_key),
        "atlassian-api-token": (["JIRA_API_TOKEN", "atlassian_token", "confluence_api_token"], t.atlassian_api_token),
        "atlassian-jwt": (["JIRA_JWT", "connect_jwt", "jwt"], t.atlassian_jwt),
        "bitbucket-server-personal-access-token": (["BITBUCKET_TOKEN", "bbToken", "bitbucket_pat"], t.bitbucket_server_pat),
        "databricks-access-token": (["DATABRICKS_TOKEN", "databricks_pat", "token"], t.databricks_token),
        "datadog-api-key": (["DD_API_KEY", "datadog_api_key", "ddApiKey"], t.datadog_api_key),
        "datadog-app-key": (["DD_APP_KEY", "datadog_application_key", "ddAppKey"], t.datadog_app_key),
        "github-personal-access-token": (["GITHUB_TOKEN", "gh_pat", "token"], lambda: t.github("ghp")),
        "github-oauth-access-token": (["GITHUB_OAUTH_TOKEN", "oauth_token", "accessToken"], lambda: t.github("gho")),
        "github-refresh-token": (["GITHUB_REFRESH_TOKEN", "refresh_token", "refreshToken"], lambda: t.github("ghr")),
        "github-app-installation-token": (["INSTALLATION_TOKEN", "app_token", "ghsToken"], lambda: t.github("ghs")),
        "intercom-access-token": (["INTERCOM_ACCESS_TOKEN", "intercom_token", "intercomToken"], t.intercom_token),
        "mailchimp-api-key": (["MAILCHIMP_API_KEY", "mailchimp_key", "mcKey"], t.mailchimp_api_key),
        "mailgun-api-key": (["MAILGUN_API_KEY", "mailgun_key", "mgKey"], t.mailgun_api_key),
        "sendgrid-api-key": (["SENDGRID_API_KEY", "sendgrid_key", "sgKey"], t.sendgrid_api_key),
        "shopify-shared-secret": (["SHOPIFY_API_SECRET", "shopify_secret", "shopifySecret"], lambda: t.shopify("shpss")),
        "shopify-access-token": (["SHOPIFY_ACCESS_TOKEN", "shopify_token", "shopifyToken"], lambda: t.shopify("shpat")),
        "shopify-custom-app-access-token": (["SHOPIFY_CUSTOM_TOKEN", "custom_app_token", "customToken"], lambda: t.shopify("shpca")),
        "shopify-private-app-password": (["SHOPIFY_APP_PASSWORD", "shopify_app_password", "appPassword"], lambda: t.shopify("shppa")),
        "slack-token": (["SLACK_BOT_TOKEN", "slack_token", "slackToken"], lambda: t.slack_token(t.r.choice(["xoxb", "xoxp"]))),
        "slack-webhook-url": (["SLACK_WEBHOOK_URL", "webhook", "slackWebhook"], t.slack_webhook),
        "slack-client-id": (["SLACK_CLIENT_ID", "slack_client_id", "slackClientId"], t.slack_client_id),
        "slack-client-secret": (["SLACK_CLIENT_SECRET", "slack_client_secret", "slackClientSecret"], t.slack_client_secret),
        "stripe-secret-key": (["STRIPE_SECRET_KEY", "stripe_key", "stripeKey"], lambda: t.stripe(t.r.choice(["sk_live_", "sk_test_"]))),
        "stripe-restricted-key": (["STRIPE_RESTRICTED_KEY", "stripe_rk", "restrictedKey"], lambda: t.stripe(t.r.choice(["rk_live_", "rk_test_"]))),
        "stripe-webhook-signing-secret": (["STRIPE_WEBHOOK_SECRET", "webhook_secret", "endpointSecret"], t.stripe_webhook_secret),
        "tableau-personal-access-token": (["TABLEAU_PAT_SECRET", "tableau_token", "patSecret"], t.tableau_pat),
        "telegram-bot-token": (["TELEGRAM_BOT_TOKEN", "bot_token", "telegramToken"], t.telegram_bot_token),
        "twilio-account-sid": (["TWILIO_ACCOUNT_SID", "account_sid", "accountSid"], t.twilio_account_sid),
        "twilio-api-key": (["TWILIO_API_KEY", "twilio_api_key_sid", "apiKeySid"], t.twilio_api_key),
        "hardcoded-password": (["DB_PASSWORD", "password", "smtpPassword", "admin_password", "db.password"], t.password),
        "connection-string": (["DATABASE_URL", "db_url", "connectionString"], None),
    }


def negatives(t):
    """(key, value) pairs that must not be reported."""
    return [
        ("GITHUB_TOKEN", t.github_bad_checksum("ghp")),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("STRIPE_PUBLISHABLE_KEY", t.stripe("pk_live_")),
        ("STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        ("API_KEY", "<your-api-key>"),
        ("API_TOKEN", "${API_TOKEN}"),
        ("password", "{{ vault_db_password }}"),
        ("DB_PASSWORD", "changeme"),
        ("SMTP_PASSWORD", "password"),
        ("PASSWORD_MIN_LENGTH", "12"),
        ("password_hint", "Use at least twelve characters"),
        ("password_hash", "$2b$12$" + t.chars("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 53)),
        ("checksum", t.sha256()),
        ("commit", t.chars("0123456789abcdef", 40)),
        ("request_id", t.uuid()),
        ("session_token", t.uuid()),
        ("image_data", t.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 200)),
        ("integrity", t.integrity()),
        ("SLACK_BOT_TOKEN", "xoxb-not-a-real-token-this-will-not-work"),
        ("DATABASE_URL", "postgres://postgres:postgres@localhost:5432/test"),
        ("CACHE_URL", "redis://localhost:6379/0"),
        ("TWILIO_ACCOUNT_SID", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("DD_TRACE_ID", t.datadog_api_key()),
        ("version", "4.17.21"),
        ("token_url", "https://auth.example.org/oauth/token"),
        ("secret_file", "/run/secrets/app"),
    ]


def render(ext, key, value):
    quoted = json.dumps(value)
    if ext in ("env", "properties", "ini"):
        return f"{key}={value}"
    if ext == "yaml":
        return f"{key}: {quoted}"
    if ext == "json":
        return f'  "{key}": {quoted},'
    if ext == "toml":
        return f"{key} = {quoted}"
    if ext == "py":
        return f"{key.replace('.', '_')} = {quoted}"
    if ext == "js":
        return f"const {key.replace('.', '_')} = {quoted};"
    if ext == "java":
        return f"    private static final String {key.replace('.', '_').upper()} = {quoted};"
    if ext == "go":
        return f"\t{key.replace('.', '_')} := {quoted}"
    if ext == "rb":
        return f"{key.replace('.', '_').lower()} = {quoted}"
    if ext == "cs":
        return f"        var {key.replace('.', '_')} = {quoted};"
    if ext == "tf":
        return f"  {key.replace('.', '_').lower()} = {quoted}"
    if ext == "xml":
        return f'  <add key="{key}" value="{value}" />'
    raise ValueError(ext)


HEADERS = {
    "json": ("{", '  "end": true\n}'),
    "java": ("public class Settings {", "}"),
    "go": ("package config\n\nfunc settings() {", "}"),
    "cs": ("class Settings {\n    void Load() {", "    }\n}"),
    "tf": ('resource "aws_db_instance" "db" {', "}"),
    "xml": ("<configuration>", "</configuration>"),
    "ini": ("[default]", ""),
}


def generate(out, seed, files):
    t = Tokens(seed)
    kinds = provider_kinds(t)
    labels = []
    exts = ["env", "yaml", "json", "toml", "py", "js", "java", "go", "rb", "cs", "tf", "xml", "properties", "ini"]
    for i in range(files):
        ext = exts[i % len(exts)]
        name = f"config_{i:04d}.{ext}" if ext != "env" else f"service_{i:04d}.env"
        header, footer = HEADERS.get(ext, ("", ""))
        lines = header.splitlines() if header else []
        entries = []
        for kind, (keys, factory) in t.r.sample(sorted(kinds.items()), 6):
            key = t.r.choice(keys)
            if kind == "connection-string":
                scheme = t.r.choice(["postgres", "mysql", "mongodb+srv", "redis", "amqp"])
                host = t.r.choice(["db.internal", "10.0.4.17", "prod-db.corp.net", "cluster0.abcd.mongodb.net"])
                value = f"{scheme}://{t.username()}:{t.password()}@{host}:5432/app"
            else:
                value = factory()
            if kind == "hardcoded-password" and t.r.random() < 0.5:
                user_key = key.replace("password", "user").replace("Password", "User").replace("PASSWORD", "USER")
                entries.append(("pair", (user_key, t.username()), (key, value)))
                continue
            entries.append((kind, key, value))
        if t.r.random() < 0.7:
            key_kind = t.r.choice(["RSA", "EC", "OPENSSH", "PKCS8"])
            entries.append(("private-key" if key_kind != "OPENSSH" else "ssh-private-key", "key", key_kind))
        for key, value in t.r.sample(negatives(t), 8):
            entries.append((None, key, value))
        for _ in range(2):
            entries.append((None, "public_key", "PUBLIC"))
        t.r.shuffle(entries)
        for kind, key, value in entries:
            if kind in ("private-key", "ssh-private-key") or value == "PUBLIC":
                block = t.private_key(value) if kind else t.certificate() if t.r.random() < 0.5 else t.public_key()
                if ext in ("env", "properties", "ini", "toml", "yaml", "py", "rb"):
                    # A key in a comment-free text block of its own file type.
                    lines.append("")
                    start = len(lines) + 1
                    if ext in ("py", "rb", "toml"):
                        lines.append(f'{key}_{len(lines)} = """{block.splitlines()[0]}')
                        lines.extend(block.splitlines()[1:-1])
                        lines.append(block.splitlines()[-1] + '"""')
                    elif ext == "yaml":
                        lines.append(f"{key}_{len(lines)}: |")
                        start += 1
                        lines.extend("  " + l for l in block.splitlines())
                    else:
                        lines.append(f"{key.upper()}_{len(lines)}=" + block.replace("\n", "\\n"))
                    if kind:
                        labels.append({"file": name, "line": start, "kind": kind})
                continue
            if kind == "pair":
                # A username right before its password.
                (user_key, user), (pw_key, password) = key, value
                lines.append(render(ext, user_key, user))
                labels.append({"file": name, "line": len(lines), "kind": "hardcoded-username"})
                lines.append(render(ext, pw_key, password))
                labels.append({"file": name, "line": len(lines), "kind": "hardcoded-password"})
                continue
            lines.append(render(ext, key, value))
            if kind:
                labels.append({"file": name, "line": len(lines), "kind": kind})
        if footer:
            lines.extend(footer.splitlines())
        with open(os.path.join(out, name), "w") as fh:
            fh.write("\n".join(lines) + "\n")
    return labels


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--argus", default=os.path.join(ROOT, "target", "release", "argus"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", type=int, default=280)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "secrets-corpus"))
    parser.add_argument("--check", type=float, help="exit 1 if overall precision or recall is below this")
    parser.add_argument("--show", action="store_true", help="list every false positive and negative")
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    labels = generate(args.out, args.seed, args.files)
    done = subprocess.run([args.argus, "scan", args.out, "--format", "json", "--no-progress"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"argus failed: {done.stderr}")
    findings = json.loads(done.stdout)["findings"]

    expected = collections.Counter((l["file"], l["line"], l["kind"]) for l in labels)
    found = collections.Counter()
    for f in findings:
        kind = f["detectorId"].split("/", 1)[1].split("@")[0]
        if not f["detectorId"].startswith("secrets/"):
            continue
        path = f["vulnerability"]["filePath"]
        found[(path["path"], path["startLine"], kind)] += 1
    per_kind = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for key in expected | found:
        tp = min(expected[key], found[key])
        per_kind[key[2]][0] += tp
        per_kind[key[2]][1] += found[key] - tp
        per_kind[key[2]][2] += expected[key] - tp
        if args.show and (found[key] != expected[key]):
            print(f"  {'FP' if found[key] > expected[key] else 'FN'} {key[0]}:{key[1]} {key[2]}")

    print(f"{'kind':<42} {'tp':>5} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    totals = [0, 0, 0]
    for kind in sorted(per_kind):
        tp, fp, fn = per_kind[kind]
        totals = [a + b for a, b in zip(totals, (tp, fp, fn))]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{kind:<42} {tp:>5} {fp:>4} {fn:>4} {precision:>10.3f} {recall:>8.3f}")
    tp, fp, fn = totals
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"{'overall':<42} {tp:>5} {fp:>4} {fn:>4} {precision:>10.3f} {recall:>8.3f}")
    if args.check is not None and (precision < args.check or recall < args.check):
        sys.exit(f"below {args.check}: precision {precision:.3f}, recall {recall:.3f}")


if __name__ == "__main__":
    main()
