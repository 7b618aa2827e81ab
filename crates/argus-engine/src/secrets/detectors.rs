//! One detector per kind of secret. They share their "why" and "use
//! instead" text; each says what it finds and how its tokens look.

use argus_model::{Access, Category, Effort};

use crate::detectors::{Check, DetectorSpec};

/// What to do with any leaked secret.
const REMEDIATION: &str = "Revoke and rotate this secret now: it is in the code's history. Then load it at run time from a secrets manager (AWS Secrets Manager, Vault, your CI's secret store) or the environment, never from source.";

macro_rules! why {
    () => {
        "Anyone who can read the code -- every clone, fork, CI log, backup and \
package built from it -- can use the secret. Deleting it later does not \
help: it stays in version control history until it is revoked."
    };
}

macro_rules! use_instead {
    () => {
        "```python\nimport os\n\n# Rotated, stored in a secrets manager, injected at run time.\nvalue = os.environ[\"SERVICE_TOKEN\"]\n```\n\
Revoke the exposed value first, then move the new one to AWS Secrets \
Manager, HashiCorp Vault or your platform's secret store."
    };
}

/// Declares a secrets detector.
macro_rules! secret_detector {
    (
        $static:ident, $id:literal, $name:literal,
        what: $what:literal,
        example: $example:literal,
        access: $access:ident,
        cwes: [$($cwe:literal),+],
        refs: [$($reference:literal),*] $(,)?
    ) => {
        pub static $static: DetectorSpec = DetectorSpec {
            ids: &[$id],
            languages: &[],
            name: $name,
            category: Category::Security,
            cwes: &[$($cwe),+],
            tags: &["secrets", "credentials", "owasp-top10"],
            access: Access::$access,
            effort: Effort::RequiresSystemAccess,
            remediation: REMEDIATION,
            doc: concat!(
                "## What it does\n", $what, "\n\n",
                "## Why is this bad?\n", why!(), "\n\n",
                "## Example\n```text\n", $example, "\n```\n\n",
                "## Use instead\n", use_instead!(), "\n\n",
                "## References\n",
                $("- [CWE-", stringify!($cwe), "](https://cwe.mitre.org/data/definitions/", stringify!($cwe), ".html)\n",)+
                $("- ", $reference, "\n",)*
            ),
            keywords: &[],
            check: Check::Engine,
        };
    };
}

secret_detector!(AWS_SECRET_ACCESS_KEY, "secrets/aws-secret-access-key@v1.0", "AWS secret access key",
    what: "Finds AWS secret access keys: 40 characters of base64 assigned to a key named like `aws_secret_access_key`, `SecretAccessKey` or `AWS_SECRET_KEY`.",
    example: "aws_secret_access_key = <40 characters>",
    access: FullControl, cwes: [798, 522],
    refs: ["[Managing access keys for IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)"]);
secret_detector!(AWS_ACCESS_KEY_ID, "secrets/aws-access-key-id@v1.0", "AWS access key ID next to its secret",
    what: "Finds AWS access key IDs (`AKIA...`, `ASIA...`) written next to a secret access key: together they are a working credential.",
    example: "aws_access_key_id = AKIA<16 characters>",
    access: FullControl, cwes: [798],
    refs: ["[Managing access keys for IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)"]);
secret_detector!(ATLASSIAN_API_TOKEN, "secrets/atlassian-api-token@v1.0", "Atlassian API token",
    what: "Finds Atlassian Cloud API tokens (`ATATT3...`) and legacy 24-character tokens assigned to Jira, Confluence or Atlassian token settings.",
    example: "JIRA_API_TOKEN=ATATT3xFfGF0<...>",
    access: FullControl, cwes: [798],
    refs: ["[Manage API tokens for your Atlassian account](https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/)"]);
secret_detector!(ATLASSIAN_JWT, "secrets/atlassian-jwt@v1.0", "Atlassian JSON Web Token",
    what: "Finds signed Atlassian Connect JSON Web Tokens: JWTs whose claims carry a query string hash (`qsh`).",
    example: "Authorization: JWT eyJ<header>.eyJ<claims with qsh>.<signature>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Understanding JWT for Connect apps](https://developer.atlassian.com/cloud/jira/platform/understanding-jwt-for-connect-apps/)"]);
secret_detector!(BITBUCKET_SERVER_PAT, "secrets/bitbucket-server-personal-access-token@v1.0", "Bitbucket Server personal access token",
    what: "Finds Bitbucket Server and Data Center personal access tokens (`BBDC-...`).",
    example: "BITBUCKET_TOKEN=BBDC-<44 characters>",
    access: FullControl, cwes: [798],
    refs: ["[Bitbucket Data Center HTTP access tokens](https://confluence.atlassian.com/bitbucketserver/http-access-tokens-939515499.html)"]);
secret_detector!(DATABRICKS_TOKEN, "secrets/databricks-access-token@v1.0", "Databricks access token",
    what: "Finds Databricks personal access tokens (`dapi` followed by 32 hexadecimal characters).",
    example: "DATABRICKS_TOKEN=dapi<32 hex>",
    access: FullControl, cwes: [798],
    refs: ["[Databricks personal access token authentication](https://docs.databricks.com/en/dev-tools/auth/pat.html)"]);
secret_detector!(DATADOG_API_KEY, "secrets/datadog-api-key@v1.0", "Datadog API key",
    what: "Finds Datadog API keys: 32 hexadecimal characters assigned to a Datadog API key setting (`DD_API_KEY`, `datadog_api_key`, ...).",
    example: "DD_API_KEY=<32 hex>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Datadog API and application keys](https://docs.datadoghq.com/account_management/api-app-keys/)"]);
secret_detector!(DATADOG_APP_KEY, "secrets/datadog-app-key@v1.0", "Datadog application key",
    what: "Finds Datadog application keys: 40 hexadecimal characters assigned to a Datadog application key setting (`DD_APP_KEY`, `datadog_application_key`, ...).",
    example: "DD_APP_KEY=<40 hex>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Datadog API and application keys](https://docs.datadoghq.com/account_management/api-app-keys/)"]);
secret_detector!(GITHUB_PAT, "secrets/github-personal-access-token@v1.0", "GitHub personal access token",
    what: "Finds GitHub personal access tokens, classic (`ghp_` with a valid CRC32 checksum) and fine-grained (`github_pat_`).",
    example: "GITHUB_TOKEN=ghp_<36 characters>",
    access: FullControl, cwes: [798],
    refs: ["[Behind GitHub's new authentication token formats](https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)"]);
secret_detector!(GITHUB_OAUTH, "secrets/github-oauth-access-token@v1.0", "GitHub OAuth access token",
    what: "Finds GitHub OAuth access tokens (`gho_` with a valid CRC32 checksum).",
    example: "token = \"gho_<36 characters>\"",
    access: FullControl, cwes: [798],
    refs: ["[Behind GitHub's new authentication token formats](https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)"]);
secret_detector!(GITHUB_REFRESH, "secrets/github-refresh-token@v1.0", "GitHub refresh token",
    what: "Finds GitHub refresh tokens (`ghr_` with a valid CRC32 checksum).",
    example: "refresh_token: ghr_<36 characters>",
    access: FullControl, cwes: [798],
    refs: ["[Behind GitHub's new authentication token formats](https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)"]);
secret_detector!(GITHUB_APP_TOKEN, "secrets/github-app-installation-token@v1.0", "GitHub App installation access token",
    what: "Finds GitHub App installation (`ghs_`) and user-to-server (`ghu_`) access tokens with a valid CRC32 checksum.",
    example: "installation_token = \"ghs_<36 characters>\"",
    access: FullControl, cwes: [798],
    refs: ["[Behind GitHub's new authentication token formats](https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)"]);
secret_detector!(SSH_PRIVATE_KEY, "secrets/ssh-private-key@v1.0", "SSH private key (GitHub SSH key)",
    what: "Finds OpenSSH private keys (`-----BEGIN OPENSSH PRIVATE KEY-----`), such as the deploy and user keys that GitHub accepts over SSH.",
    example: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA<...>\n-----END OPENSSH PRIVATE KEY-----",
    access: FullControl, cwes: [321, 798],
    refs: ["[GitHub: about SSH](https://docs.github.com/en/authentication/connecting-to-github-with-ssh/about-ssh)"]);
secret_detector!(PRIVATE_KEY, "secrets/private-key@v1.0", "Private key",
    what: "Finds RSA, EC, DSA, PKCS #8 (plain and encrypted) and PGP private key blocks. Public keys and certificates are not reported.",
    example: "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA<...>\n-----END RSA PRIVATE KEY-----",
    access: FullControl, cwes: [321, 798],
    refs: []);
secret_detector!(SALESFORCE_PRIVATE_KEY, "secrets/salesforce-private-key@v1.0", "Salesforce private key",
    what: "Finds private keys used for the Salesforce JWT bearer flow (a private key block in a file or next to settings that name Salesforce or `sfdx`), and Salesforce session tokens (`00D...!...`).",
    example: "SF_JWT_KEY=\"-----BEGIN PRIVATE KEY-----\\n<...>\"",
    access: FullControl, cwes: [321, 798],
    refs: ["[Salesforce: OAuth 2.0 JWT bearer flow](https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm)"]);
secret_detector!(INTERCOM_TOKEN, "secrets/intercom-access-token@v1.0", "Intercom access token",
    what: "Finds Intercom access tokens (base64 that decodes to `tok:...`).",
    example: "INTERCOM_ACCESS_TOKEN=dG9rO<...>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Intercom authentication](https://developers.intercom.com/docs/build-an-integration/learn-more/authentication)"]);
secret_detector!(MAILCHIMP_KEY, "secrets/mailchimp-api-key@v1.0", "Mailchimp API key",
    what: "Finds Mailchimp API keys (32 hexadecimal characters followed by the data center, `-us21`).",
    example: "MAILCHIMP_API_KEY=<32 hex>-us21",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Mailchimp: about API keys](https://mailchimp.com/help/about-api-keys/)"]);
secret_detector!(MAILGUN_KEY, "secrets/mailgun-api-key@v1.0", "Mailgun API key",
    what: "Finds Mailgun private API keys (`key-` and 32 characters, or the newer `<32 hex>-<8 hex>-<8 hex>`).",
    example: "MAILGUN_API_KEY=key-<32 characters>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Mailgun API keys](https://help.mailgun.com/hc/en-us/articles/203380100-Where-can-I-find-my-API-keys-and-SMTP-credentials)"]);
secret_detector!(SENDGRID_KEY, "secrets/sendgrid-api-key@v1.0", "SendGrid API key",
    what: "Finds SendGrid API keys (`SG.` followed by two base64url segments).",
    example: "SENDGRID_API_KEY=SG.<22>.<43>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[SendGrid API keys](https://docs.sendgrid.com/ui/account-and-settings/api-keys)"]);
secret_detector!(SHOPIFY_SHARED_SECRET, "secrets/shopify-shared-secret@v1.0", "Shopify app shared secret",
    what: "Finds Shopify app shared secrets (`shpss_` and 32 hexadecimal characters).",
    example: "SHOPIFY_API_SECRET=shpss_<32 hex>",
    access: FullControl, cwes: [798],
    refs: ["[Shopify: app credentials](https://shopify.dev/docs/apps/build/authentication-authorization)"]);
secret_detector!(SHOPIFY_ACCESS_TOKEN, "secrets/shopify-access-token@v1.0", "Shopify access token",
    what: "Finds Shopify Admin API access tokens (`shpat_` and 32 hexadecimal characters).",
    example: "SHOPIFY_ACCESS_TOKEN=shpat_<32 hex>",
    access: FullControl, cwes: [798],
    refs: ["[Shopify: app credentials](https://shopify.dev/docs/apps/build/authentication-authorization)"]);
secret_detector!(SHOPIFY_CUSTOM_APP_TOKEN, "secrets/shopify-custom-app-access-token@v1.0", "Shopify custom app access token",
    what: "Finds Shopify custom app access tokens (`shpca_` and 32 hexadecimal characters).",
    example: "SHOPIFY_TOKEN=shpca_<32 hex>",
    access: FullControl, cwes: [798],
    refs: ["[Shopify: app credentials](https://shopify.dev/docs/apps/build/authentication-authorization)"]);
secret_detector!(SHOPIFY_PRIVATE_APP_PASSWORD, "secrets/shopify-private-app-password@v1.0", "Shopify private app password",
    what: "Finds Shopify private app passwords (`shppa_` and 32 hexadecimal characters).",
    example: "SHOPIFY_PASSWORD=shppa_<32 hex>",
    access: FullControl, cwes: [798, 259],
    refs: ["[Shopify: app credentials](https://shopify.dev/docs/apps/build/authentication-authorization)"]);
secret_detector!(SLACK_TOKEN, "secrets/slack-token@v1.0", "Slack token",
    what: "Finds Slack bot, user, app and configuration tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-`, `xapp-`).",
    example: "SLACK_BOT_TOKEN=xoxb-<team>-<bot>-<secret>",
    access: FullControl, cwes: [798],
    refs: ["[Slack token types](https://api.slack.com/authentication/token-types)"]);
secret_detector!(SLACK_WEBHOOK, "secrets/slack-webhook-url@v1.0", "Slack incoming webhook URL",
    what: "Finds Slack incoming webhook URLs (`https://hooks.slack.com/services/T.../B.../...`), which let anyone post to the channel.",
    example: "webhook: https://hooks.slack.com/services/T<id>/B<id>/<secret>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Slack incoming webhooks](https://api.slack.com/messaging/webhooks)"]);
secret_detector!(SLACK_CLIENT_ID, "secrets/slack-client-id@v1.0", "Slack client ID",
    what: "Finds Slack app client IDs (`<digits>.<digits>`) assigned to a Slack client ID setting. An ID is not secret by itself, but next to its client secret it identifies the app to impersonate.",
    example: "SLACK_CLIENT_ID=<digits>.<digits>",
    access: AdditionalSecurity, cwes: [798],
    refs: ["[Slack OAuth](https://api.slack.com/authentication/oauth-v2)"]);
secret_detector!(SLACK_CLIENT_SECRET, "secrets/slack-client-secret@v1.0", "Slack client secret",
    what: "Finds Slack app client and signing secrets (32 hexadecimal characters) assigned to a Slack client or signing secret setting.",
    example: "SLACK_CLIENT_SECRET=<32 hex>",
    access: FullControl, cwes: [798],
    refs: ["[Slack OAuth](https://api.slack.com/authentication/oauth-v2)"]);
secret_detector!(STRIPE_SECRET_KEY, "secrets/stripe-secret-key@v1.0", "Stripe secret key",
    what: "Finds Stripe live and test secret API keys (`sk_live_`, `sk_test_`). Publishable keys (`pk_`) are public and not reported.",
    example: "STRIPE_SECRET_KEY=sk_live_<24+ characters>",
    access: FullControl, cwes: [798],
    refs: ["[Stripe API keys](https://docs.stripe.com/keys)"]);
secret_detector!(STRIPE_RESTRICTED_KEY, "secrets/stripe-restricted-key@v1.0", "Stripe restricted key",
    what: "Finds Stripe live and test restricted API keys (`rk_live_`, `rk_test_`).",
    example: "STRIPE_KEY=rk_live_<24+ characters>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Stripe API keys](https://docs.stripe.com/keys)"]);
secret_detector!(STRIPE_WEBHOOK_SECRET, "secrets/stripe-webhook-signing-secret@v1.0", "Stripe webhook signing secret",
    what: "Finds Stripe webhook signing secrets (`whsec_`), which let anyone forge webhook events.",
    example: "STRIPE_WEBHOOK_SECRET=whsec_<32+ characters>",
    access: FullControl, cwes: [798],
    refs: ["[Stripe: check webhook signatures](https://docs.stripe.com/webhooks#verify-events)"]);
secret_detector!(TABLEAU_PAT, "secrets/tableau-personal-access-token@v1.0", "Tableau personal access token",
    what: "Finds Tableau personal access token secrets (`<22 base64>==:<32 characters>`).",
    example: "TABLEAU_PAT_SECRET=<22 base64>==:<32 characters>",
    access: SensitiveInformation, cwes: [798],
    refs: ["[Tableau personal access tokens](https://help.tableau.com/current/server/en-us/security_personal_access_tokens.htm)"]);
secret_detector!(TELEGRAM_BOT_TOKEN, "secrets/telegram-bot-token@v1.0", "Telegram bot token",
    what: "Finds Telegram bot tokens (`<bot id>:AA<33 characters>`).",
    example: "TELEGRAM_BOT_TOKEN=<digits>:AA<33 characters>",
    access: FullControl, cwes: [798],
    refs: ["[Telegram Bot API: authorizing your bot](https://core.telegram.org/bots/api#authorizing-your-bot)"]);
secret_detector!(TWILIO_ACCOUNT_SID, "secrets/twilio-account-sid@v1.0", "Twilio account SID",
    what: "Finds Twilio account SIDs (`AC` and 32 hexadecimal characters). The SID is an identifier, not a password, but it is half of the account's credential.",
    example: "TWILIO_ACCOUNT_SID=AC<32 hex>",
    access: AdditionalSecurity, cwes: [798],
    refs: ["[Twilio API keys and credentials](https://www.twilio.com/docs/iam/api-keys)"]);
secret_detector!(TWILIO_API_KEY, "secrets/twilio-api-key@v1.0", "Twilio API key",
    what: "Finds Twilio API key SIDs (`SK` and 32 hexadecimal characters) and auth tokens or API key secrets (32 characters) assigned to Twilio settings.",
    example: "TWILIO_AUTH_TOKEN=<32 hex>",
    access: FullControl, cwes: [798],
    refs: ["[Twilio API keys and credentials](https://www.twilio.com/docs/iam/api-keys)"]);
secret_detector!(HARDCODED_PASSWORD, "secrets/hardcoded-password@v1.0", "Hardcoded password",
    what: "Finds passwords written as literals: assigned to a variable, argument, configuration key or environment variable named like a password (code, YAML, JSON, XML, `.properties`, `.env`, INI, TOML). Placeholders, variable references, empty values and password policy text are not reported.",
    example: "DB_PASSWORD = \"W1nter-is-c0ming!\"",
    access: FullControl, cwes: [259, 798],
    refs: ["[OWASP: use of hard-coded password](https://owasp.org/www-community/vulnerabilities/Use_of_hard-coded_password)"]);
secret_detector!(HARDCODED_SECRET, "secrets/hardcoded-secret@v1.0", "Hardcoded secret or API key",
    what: "Finds random-looking secrets (API keys, tokens, signing keys) assigned to a name like `secret_key`, `api_key`, `auth_token` or `client_secret` when no provider-specific detector claims them.",
    example: "SECRET_KEY = \"k3#9x!q2Zb7...\"",
    access: FullControl, cwes: [798],
    refs: []);
secret_detector!(HARDCODED_USERNAME, "secrets/hardcoded-username@v1.0", "Hardcoded username next to a password",
    what: "Finds usernames written as literals next to a hardcoded password (the same block of configuration or code): together they are a working login.",
    example: "DB_USER = \"billing_ro\"\nDB_PASSWORD = \"W1nter-is-c0ming!\"",
    access: SensitiveInformation, cwes: [798],
    refs: []);
secret_detector!(CONNECTION_STRING, "secrets/connection-string@v1.0", "Connection string with credentials",
    what: "Finds database and message-broker connection strings that embed a password: URLs (`postgres://`, `mysql://`, `mongodb+srv://`, `redis://`, `amqp://`, `mssql://`), JDBC URLs with `password=`, and ADO.NET strings with `Password=`.",
    example: "DATABASE_URL=postgres://app:W1nter-is-c0ming@db.internal:5432/app",
    access: FullControl, cwes: [798, 259],
    refs: []);

/// Every secrets detector, for the registry.
pub static ALL: &[&DetectorSpec] = &[
    &AWS_SECRET_ACCESS_KEY,
    &AWS_ACCESS_KEY_ID,
    &ATLASSIAN_API_TOKEN,
    &ATLASSIAN_JWT,
    &BITBUCKET_SERVER_PAT,
    &DATABRICKS_TOKEN,
    &DATADOG_API_KEY,
    &DATADOG_APP_KEY,
    &GITHUB_PAT,
    &GITHUB_OAUTH,
    &GITHUB_REFRESH,
    &GITHUB_APP_TOKEN,
    &SSH_PRIVATE_KEY,
    &PRIVATE_KEY,
    &SALESFORCE_PRIVATE_KEY,
    &INTERCOM_TOKEN,
    &MAILCHIMP_KEY,
    &MAILGUN_KEY,
    &SENDGRID_KEY,
    &SHOPIFY_SHARED_SECRET,
    &SHOPIFY_ACCESS_TOKEN,
    &SHOPIFY_CUSTOM_APP_TOKEN,
    &SHOPIFY_PRIVATE_APP_PASSWORD,
    &SLACK_TOKEN,
    &SLACK_WEBHOOK,
    &SLACK_CLIENT_ID,
    &SLACK_CLIENT_SECRET,
    &STRIPE_SECRET_KEY,
    &STRIPE_RESTRICTED_KEY,
    &STRIPE_WEBHOOK_SECRET,
    &TABLEAU_PAT,
    &TELEGRAM_BOT_TOKEN,
    &TWILIO_ACCOUNT_SID,
    &TWILIO_API_KEY,
    &HARDCODED_PASSWORD,
    &HARDCODED_SECRET,
    &HARDCODED_USERNAME,
    &CONNECTION_STRING,
];
