//! Is a candidate really a secret? Token grammar checks (checksums,
//! decodable payloads), randomness, and rejection of placeholders and
//! documented examples.

use base64::Engine as _;

/// Shannon entropy in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for byte in value.bytes() {
        counts[byte as usize] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / total;
            -p * p.log2()
        })
        .sum()
}

/// Keys published in vendors' documentation, which appear in countless
/// READMEs and tests.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "sk_test_26PHem9AhJZvU623DfE1x4sd",
    "whsec_test_secret",
    "xoxb-not-a-real-token-this-will-not-work",
];

/// Words that mark a value as a placeholder rather than a secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "redacted",
    "your_",
    "your-",
    "yourpassword",
    "yoursecret",
    "yourtoken",
    "insert",
    "replace",
    "fixme",
    "todo",
    "notreal",
    "not_real",
    "not-a-real",
    "fake",
    "xxxx",
    "****",
    "....",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "%s",
    "#{",
    "@@",
    "[secret]",
    "[password]",
];

/// Whether a value is a placeholder, template, reference or documented
/// example rather than a real secret.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if DOCUMENTED_EXAMPLES.iter().any(|e| value.contains(e)) {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // `$VAR`, `%VAR%`, `@var@`: references resolved elsewhere.
    if (lower.starts_with('$')
        && lower[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || (lower.starts_with('%') && lower.ends_with('%'))
        || (lower.starts_with('@') && lower.ends_with('@'))
    {
        return true;
    }
    is_monotonous(value)
}

/// Runs of one character or ascending sequences (`aaaaaaaa`, `12345678`,
/// `abcdefgh`): never generated secrets.
pub fn is_monotonous(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() < 4 {
        return false;
    }
    let distinct = {
        let mut seen = [false; 256];
        bytes
            .iter()
            .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
            .count()
    };
    if distinct <= 2 {
        return true;
    }
    let ascending = bytes
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1))
        .count();
    ascending * 10 >= (bytes.len() - 1) * 8
}

/// Whether a value looks random enough for a generated token of this
/// alphabet: at least `min_bits` of entropy per character, and not a
/// placeholder.
pub fn is_random(value: &str, min_bits: f64) -> bool {
    !is_placeholder(value) && entropy(value) >= min_bits
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub's token checksum: the last six base62 characters encode the
/// CRC32 of the thirty random characters before them.
pub fn github_checksum_ok(token: &str) -> bool {
    let Some((_, body)) = token.rsplit_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, checksum) = body.split_at(30);
    let mut value = crc32fast::hash(random.as_bytes());
    let mut encoded = [b'0'; 6];
    for slot in encoded.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    value == 0 && encoded == checksum.as_bytes()
}

/// Decodes base64 or base64url, with or without padding.
pub fn decode_base64(value: &str) -> Option<Vec<u8>> {
    let trimmed = value.trim_end_matches('=');
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let standard = base64::engine::general_purpose::STANDARD_NO_PAD;
    url.decode(trimmed)
        .ok()
        .or_else(|| standard.decode(trimmed).ok())
}

/// The decoded claims of a JWT, if it has three segments and its header
/// and claims are JSON objects.
pub fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let mut parts = token.split('.');
    let header = parts.next()?;
    let claims = parts.next()?;
    let signature = parts.next()?;
    if parts.next().is_some() || signature.len() < 16 {
        return None;
    }
    let header: serde_json::Value = serde_json::from_slice(&decode_base64(header)?).ok()?;
    header.get("alg")?;
    let claims: serde_json::Value = serde_json::from_slice(&decode_base64(claims)?).ok()?;
    claims.is_object().then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_separates_random_from_repetitive() {
        assert!(entropy("aaaaaaaaaaaa") < 0.1);
        assert!(entropy("9f86d081884c7d659a2feaa0c55ad015") > 3.3);
        assert!(entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCYxx8KEYQQQQ") > 4.0);
    }

    #[test]
    fn placeholders_and_examples() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "<your-token>",
            "${GITHUB_TOKEN}",
            "{{ secret }}",
            "changeme",
            "xxxxxxxxxxxxxxxx",
            "$DB_PASSWORD",
            "%DB_PASSWORD%",
            "12345678",
            "abcdefghijkl",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in ["W1nter-is-c0ming!", "q7T!x2mR9pLz"] {
            assert!(!is_placeholder(real), "{real}");
        }
    }

    #[test]
    fn github_checksums() {
        // Published test vectors of the format.
        for token in [
            "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",
            "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",
        ] {
            assert!(github_checksum_ok(token), "{token}");
        }
        assert!(!github_checksum_ok(
            "ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3"
        ));
        assert!(!github_checksum_ok(
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ));
    }

    #[test]
    fn decodes_jwts() {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJqaXJhOjEyMyIsInFzaCI6ImFiYyJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln";
        let claims = jwt_claims(token).unwrap();
        assert_eq!(claims["qsh"], "abc");
        assert!(jwt_claims("a.b.c").is_none());
    }
}
